/**
 * One S3 object to read, as announced by a notification or listed by a backfill.
 * `key` is the real object key (already decoded), ready for GetObject.
 */
export interface ObjectRef {
  bucket: string;
  key: string;
  size?: number;
  versionId?: string;
  /** Orders notifications for the same key; the same sequencer twice means the same write announced twice. */
  sequencer?: string;
  eTag?: string;
}
