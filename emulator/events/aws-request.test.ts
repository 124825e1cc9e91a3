import { signRequest, unescapeXml, xmlBlocks, xmlValues } from './aws-request';

describe('signed AWS requests', () => {
  it('signs as Signature Version 4 does (the get-vanilla case of the AWS test suite)', () => {
    // Given the request and keys of the published test case
    const headers = signRequest({
      method: 'GET',
      url: new URL('https://example.amazonaws.com/'),
      headers: {},
      body: '',
      service: 'service',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      date: new Date('2015-08-30T12:36:00Z'),
    });
    // Then the signature is the published one
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
  });

  it('reads values and list members out of a Query API answer, entities decoded', () => {
    const xml = '<R><Attributes><entry><key>Policy</key><value>{&quot;a&quot;:&quot;&lt;b&gt; &amp; &#39;c&#x27;&quot;}</value></entry></Attributes><member><Protocol>lambda</Protocol></member><member><Protocol>sqs</Protocol></member></R>';
    expect(xmlValues(xml, 'value')).toEqual([`{"a":"<b> & 'c'"}`]);
    expect(xmlBlocks(xml, 'member').map((m) => xmlValues(m, 'Protocol')[0])).toEqual(['lambda', 'sqs']);
    expect(unescapeXml('no entities')).toBe('no entities');
  });
});
