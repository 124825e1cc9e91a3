import { unescapeXml, xmlValues } from './xml';

describe('values from XML answers', () => {
  it('reads each element of a tag, entities decoded', () => {
    // Given an answer with escaped text and a repeated tag
    const xml = '<R><MessageId>m-1</MessageId><value>{&quot;a&quot;:&quot;&lt;b&gt; &amp; &#39;c&#x27;&quot;}</value><name>running</name><name>stopped</name></R>';
    // Then each value comes back decoded, in order
    expect(xmlValues(xml, 'value')).toEqual([`{"a":"<b> & 'c'"}`]);
    expect(xmlValues(xml, 'name')).toEqual(['running', 'stopped']);
    expect(xmlValues(xml, 'MessageId')).toEqual(['m-1']);
    expect(xmlValues(xml, 'Missing')).toEqual([]);
  });

  it('leaves text without entities as it is', () => {
    expect(unescapeXml('no entities')).toBe('no entities');
  });
});
