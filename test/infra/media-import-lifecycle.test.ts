import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MediaConstruct } from '../../infra/constructs/media';

describe('the media bucket', () => {
  it('expires the import wizard’s files (uploads after a day, job files and reports after 30 days) and direct media uploads after a day, old versions after a day', () => {
    // prepare
    const stack = new Stack(new App(), 'MediaOnly');

    // act
    new MediaConstruct(stack, 'Media');
    const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket');

    // assess
    const rules = Object.values(buckets)[0]?.Properties.LifecycleConfiguration.Rules;
    expect(rules).toEqual([
      {
        Id: 'ImportUploads',
        Prefix: 'imports/incoming/',
        ExpirationInDays: 1,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        Status: 'Enabled',
      },
      {
        Id: 'ImportFiles',
        Prefix: 'imports/',
        ExpirationInDays: 30,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        Status: 'Enabled',
      },
      {
        Id: 'MediaUploads',
        Prefix: 'media/incoming/',
        ExpirationInDays: 1,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        Status: 'Enabled',
      },
    ]);
  });
});
