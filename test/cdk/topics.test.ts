/** Who hears about what: email subscriptions filtered by level, alarms to everyone, Slack through Chatbot. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { levelsFrom } from '../../cdk/topics.ts';
import { onlyResource, synth, type Synthesised } from './helpers.ts';

describe('Function: levelsFrom()', () => {
  it('returns the level and every higher one', () => {
    assert.deepEqual(levelsFrom('medium'), ['medium', 'high', 'critical']);
    assert.deepEqual(levelsFrom('informational'), ['informational', 'low', 'medium', 'high', 'critical']);
    assert.deepEqual(levelsFrom('critical'), ['critical']);
  });
});

describe('CloudTrailSigma: subscriptions', () => {
  let s: Synthesised;
  before(() => {
    s = synth({
      alertEmail: 'oncall@example.com:critical, soc@example.com:low,team@example.com',
      slackWorkspaceId: 'T0123ABCD',
      slackChannelId: 'C0123ABCDE',
    });
  });
  after(() => s.cleanup());

  const emailSubscriptions = (topicRef: unknown) =>
    Object.values(s.template.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'email', TopicArn: topicRef } })).map(
      (r) => [r.Properties.Endpoint, r.Properties.FilterPolicy],
    );

  it('mails each address the alerts of its level and up, filtered on the severity attribute (default high)', () => {
    assert.deepEqual(emailSubscriptions(s.resolve(s.stack.detector.alertTopic.topicArn)), [
      ['oncall@example.com', { severity: ['critical'] }],
      ['soc@example.com', { severity: ['low', 'medium', 'high', 'critical'] }],
      ['team@example.com', { severity: ['high', 'critical'] }],
    ]);
  });

  it('mails every address all the alarms, unfiltered', () => {
    assert.deepEqual(emailSubscriptions(s.resolve(s.stack.detector.opsTopic.topicArn)), [
      ['oncall@example.com', undefined],
      ['soc@example.com', undefined],
      ['team@example.com', undefined],
    ]);
  });

  it('connects the Slack channel to both topics, with no AWS permission for channel members', () => {
    const d = s.stack.detector;
    const slack = onlyResource(s.template, 'AWS::Chatbot::SlackChannelConfiguration').properties;
    assert.equal(slack.SlackWorkspaceId, 'T0123ABCD');
    assert.equal(slack.SlackChannelId, 'C0123ABCDE');
    assert.deepEqual(slack.SnsTopicArns, [s.resolve(d.alertTopic.topicArn), s.resolve(d.opsTopic.topicArn)]);
    assert.deepEqual(slack.GuardrailPolicies, [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSDenyAll']] }]);
    const role = s.template.toJSON().Resources[(s.resolve(d.slackChannel!.role!.roleArn) as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!];
    assert.equal(role.Properties.ManagedPolicyArns, undefined);
    assert.equal(role.Properties.Policies, undefined);
  });

  it('lets CloudWatch alarms of this account publish to the encrypted ops topic', () => {
    const d = s.stack.detector;
    const cloudwatch = { Service: 'cloudwatch.amazonaws.com' };
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [s.resolve(d.opsTopic.topicArn)],
      PolicyDocument: {
        Statement: [
          {
            Action: 'sns:Publish',
            Effect: 'Deny',
            Principal: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: s.resolve(d.opsTopic.topicArn),
            Sid: 'AllowPublishThroughSSLOnly',
          },
          {
            Action: 'sns:Publish',
            Effect: 'Allow',
            Principal: cloudwatch,
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            Resource: s.resolve(d.opsTopic.topicArn),
            Sid: 'CloudWatchAlarmsPublish',
          },
        ],
      },
    });
    const key = onlyResource(s.template, 'AWS::KMS::Key').properties;
    const statement = key.KeyPolicy.Statement.find((st: { Sid?: string }) => st.Sid === 'CloudWatchAlarmsPublishToEncryptedTopics');
    assert.deepEqual(statement, { Sid: 'CloudWatchAlarmsPublishToEncryptedTopics', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Principal: cloudwatch, Resource: '*' });
  });
});
