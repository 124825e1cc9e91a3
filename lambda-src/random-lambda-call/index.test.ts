import { chooseApp, handler, parseApps } from './index';

describe('random-lambda-call', () => {
  const apps = [
    { name: 'lambda-app-1', weight: 1 },
    { name: 'lambda-app-2', weight: 1 },
    { name: 'lambda-app-3', weight: 2 },
  ];

  it('chooses by weight', () => {
    expect(chooseApp(apps, 0).name).toBe('lambda-app-1');
    expect(chooseApp(apps, 0.24).name).toBe('lambda-app-1');
    expect(chooseApp(apps, 0.25).name).toBe('lambda-app-2');
    expect(chooseApp(apps, 0.5).name).toBe('lambda-app-3');
    expect(chooseApp(apps, 0.999).name).toBe('lambda-app-3');
  });

  it('spreads uniform weights evenly', () => {
    const uniform = apps.map((a) => ({ ...a, weight: 1 }));
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const name = chooseApp(uniform, i / 3000).name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([1000, 1000, 1000]);
  });

  it.each([
    ['not json', /APP_FUNCTIONS is not JSON/],
    ['[]', /must list at least one function/],
    ['[{"name":"a","weight":0}]', /APP_FUNCTIONS\[0\] must be \{"name": string, "weight": number > 0\}/],
  ])('rejects APP_FUNCTIONS %s', (text, message) => {
    expect(() => parseApps(text)).toThrow(message);
  });

  it('rejects an empty event with a logged error and invokes nothing', async () => {
    process.env.APP_FUNCTIONS = JSON.stringify(apps);
    process.env.INGEST_BUCKET = 'in';
    const logged: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
    try {
      await expect(handler({}, { awsRequestId: 'r-1', functionName: 'random-lambda-call' })).rejects.toThrow(/event has no Records/);
      expect(JSON.parse(logged[0])).toMatchObject({ level: 'error', requestId: 'r-1', message: expect.stringMatching(/event has no Records/) });
    } finally {
      spy.mockRestore();
    }
  });
});
