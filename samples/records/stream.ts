/**
 * An endless, seeded stream of benign CloudTrail records in time order: the traffic mix of the catalog spread over
 * the given accounts and regions.
 */
import { CATALOG } from './catalog/all.ts';
import type { EventTemplate, Json } from './catalog/types.ts';
import { buildActorPool, serviceActor, type Actor, type ActorPool, type CallerClass } from './identities.ts';
import { Rng, weightedTable, type WeightedTable } from './prng.ts';
import { buildRecord } from './record.ts';
import { buildWorld, hashSeed, type World } from './world.ts';

export interface StreamOptions {
  readonly seed: number;
  readonly startMs: number;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  /** Mean time between two records. */
  readonly meanGapMs: number;
}

/** Global services (IAM, sign-in) log to us-east-1 only, so regions other than that draw from a smaller mix. */
const GLOBAL_REGION = 'us-east-1';

export class TrafficModel {
  readonly pools = new Map<string, ActorPool>();
  readonly worlds = new Map<string, World>();
  private readonly callerTables = new Map<EventTemplate, WeightedTable<CallerClass>>();
  private readonly services = new Map<string, Actor>();
  private readonly withGlobal = weightedTable(CATALOG.map((t) => [t, t.weight] as const));
  private readonly regional = weightedTable(CATALOG.filter((t) => !t.global).map((t) => [t, t.weight] as const));

  constructor(
    readonly seed: number,
    readonly accounts: readonly string[],
    readonly regions: readonly string[],
  ) {
    for (const account of accounts) {
      this.pools.set(account, buildActorPool(new Rng(hashSeed(seed, 'actors', account)), account));
      for (const region of regions) this.worlds.set(`${account}/${region}`, buildWorld(seed, account, region));
    }
  }

  world(account: string, region: string): World {
    const world = this.worlds.get(`${account}/${region}`);
    if (!world) throw new Error(`no world for ${account}/${region}`);
    return world;
  }

  pool(account: string): ActorPool {
    const pool = this.pools.get(account);
    if (!pool) throw new Error(`no actors for account ${account}`);
    return pool;
  }

  pickTemplate(rng: Rng, region: string): EventTemplate {
    return rng.pickWeighted(region === GLOBAL_REGION ? this.withGlobal : this.regional);
  }

  pickActor(rng: Rng, tpl: EventTemplate, pool: ActorPool): Actor {
    let table = this.callerTables.get(tpl);
    if (!table) {
      table = weightedTable(Object.entries(tpl.callers).map(([k, w]) => [k as CallerClass, w ?? 0] as const));
      this.callerTables.set(tpl, table);
    }
    const cls = rng.pickWeighted(table);
    if (cls.startsWith('svc:')) {
      const host = cls.slice(4);
      let actor = this.services.get(host);
      if (!actor) this.services.set(host, (actor = serviceActor(host)));
      return actor;
    }
    const members = pool.byClass.get(cls) ?? [];
    const allowed = tpl.actorTypes ? members.filter((a) => tpl.actorTypes?.includes(a.type)) : members;
    if (allowed.length > 0) return rng.pick(allowed);
    return rng.pick(pool.byClass.get('human') ?? members);
  }

  /** One benign record at the given time, in a region and account drawn from the model's lists. */
  record(rng: Rng, timeMs: number, account = rng.pick(this.accounts), region = rng.pick(this.regions)): Json {
    const tpl = this.pickTemplate(rng, region);
    const actor = this.pickActor(rng, tpl, this.pool(account));
    return buildRecord({ rng, tpl, actor, world: this.world(account, region), timeMs });
  }
}

export function* recordStream(opts: StreamOptions): Generator<Json, never> {
  const rng = new Rng(opts.seed);
  const model = new TrafficModel(opts.seed, opts.accounts, opts.regions);
  let t = opts.startMs;
  for (;;) {
    t += rng.exponential(opts.meanGapMs);
    // Records inside a delivery are only roughly ordered: a few arrive late.
    const timeMs = rng.chance(0.03) ? t - rng.int(60_000) : t;
    yield model.record(rng, Math.floor(timeMs));
  }
}
