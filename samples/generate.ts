/** `npm run samples`: rewrites samples/AWSLogs and samples/other-shapes from the seeded generator. */
import { fileURLToPath } from 'node:url';
import { writeSampleSet } from './sampleSet.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const { files, scenario } = await writeSampleSet(root);
const bytes = files.reduce((sum, f) => sum + f.content.length, 0);
process.stderr.write(`wrote ${files.length} files (${Math.round(bytes / 1024)} KB) under ${root}\n`);
for (const event of scenario) {
  process.stderr.write(`  ${String(event.record['eventTime'])}  ${event.region.padEnd(10)} ${String(event.record['eventName']).padEnd(27)} ${event.label}\n`);
}
