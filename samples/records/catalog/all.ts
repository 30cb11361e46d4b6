/** Every benign call the generator draws from, with its weight in the traffic mix. */
import { ec2Templates } from './ec2.ts';
import { ec2InstanceTemplates } from './ec2Instances.ts';
import { platformTemplates } from './platform.ts';
import { s3Templates } from './s3.ts';
import { securityTemplates } from './security.ts';
import type { EventTemplate } from './types.ts';

export const CATALOG: readonly EventTemplate[] = [...s3Templates, ...securityTemplates, ...ec2Templates, ...ec2InstanceTemplates, ...platformTemplates];
