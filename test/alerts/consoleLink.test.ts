import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cloudTrailEventUrl } from '../../lambda/alerts/consoleLink.ts';

const ID = '9676359f-3600-4f32-a5f7-222ba8ef75c9';

describe('Function: cloudTrailEventUrl()', () => {
  it("links the event in its own region's console", () => {
    assert.equal(cloudTrailEventUrl('eu-west-1', ID), `https://eu-west-1.console.aws.amazon.com/cloudtrail/home?region=eu-west-1#/events/${ID}`);
  });

  it('uses the China and GovCloud console domains for their regions', () => {
    assert.equal(cloudTrailEventUrl('cn-north-1', ID), `https://console.amazonaws.cn/cloudtrail/home?region=cn-north-1#/events/${ID}`);
    assert.equal(cloudTrailEventUrl('us-gov-west-1', ID), `https://console.amazonaws-us-gov.com/cloudtrail/home?region=us-gov-west-1#/events/${ID}`);
  });

  it('encodes an event id that is not a plain UUID, so it cannot end the link or add a label', () => {
    assert.equal(
      cloudTrailEventUrl('us-east-1', 'x>|<y z'),
      'https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/x%3E%7C%3Cy%20z',
    );
  });

  it('gives no link for a region that is not a region name or a missing event id', () => {
    assert.equal(cloudTrailEventUrl('evil.example/x', ID), undefined);
    assert.equal(cloudTrailEventUrl('', ID), undefined);
    assert.equal(cloudTrailEventUrl('us-east-1', ''), undefined);
  });
});
