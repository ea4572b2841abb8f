import assert from 'node:assert/strict';
import { NetworkError, RobotsDisallowedError } from '../../../../lib/errors';
import { RobotsPolicy, type RobotsTxtLoader } from '../../../../lib/fetch/robots';

const ROBOTS = 'User-agent: *\nDisallow: /privado/\n';
const NAMES_US = `${ROBOTS}\nUser-agent: scraping-orchestrator\nDisallow: /solo-nosotros/\n`;

function countingLoader(answers: Record<string, string | null | Error>): { load: RobotsTxtLoader; calls: string[] } {
  const calls: string[] = [];
  const load: RobotsTxtLoader = async (robotsUrl) => {
    calls.push(robotsUrl);
    const answer = answers[robotsUrl];
    if (answer instanceof Error) throw answer;
    return answer ?? null;
  };
  return { load, calls };
}

describe('RobotsPolicy', () => {
  it('applies the "*" group', async () => {
    const { load } = countingLoader({ 'https://www.x.mx/robots.txt': ROBOTS });
    const robots = new RobotsPolicy({ respect: true, cacheDurationMs: 60_000 }, load);
    assert.equal(await robots.isAllowed('https://www.x.mx/casas.html', 'x'), true);
    assert.equal(await robots.isAllowed('https://www.x.mx/privado/a', 'x'), false);
    await assert.rejects(robots.assertAllowed('https://www.x.mx/privado/a', 'x'), RobotsDisallowedError);
  });

  it('applies the group naming our token instead of "*" when there is one (RFC 9309 §2.2.1)', async () => {
    const { load } = countingLoader({ 'https://www.x.mx/robots.txt': NAMES_US });
    const robots = new RobotsPolicy({ respect: true, cacheDurationMs: 60_000 }, load);
    assert.equal(await robots.isAllowed('https://www.x.mx/solo-nosotros/a', 'x'), false);
    assert.equal(await robots.isAllowed('https://www.x.mx/privado/a', 'x'), true);
  });

  it('fetches once per origin, concurrent callers included, until the cache expires', async () => {
    let now = 0;
    const { load, calls } = countingLoader({
      'https://www.x.mx/robots.txt': ROBOTS,
      'https://www.y.mx/robots.txt': ROBOTS,
    });
    const robots = new RobotsPolicy({ respect: true, cacheDurationMs: 1000, now: () => now }, load);
    await Promise.all([1, 2, 3].map((i) => robots.isAllowed(`https://www.x.mx/p${i}`, 'x')));
    await robots.isAllowed('https://www.y.mx/p', 'y');
    assert.deepEqual(calls, ['https://www.x.mx/robots.txt', 'https://www.y.mx/robots.txt']);
    now = 999;
    await robots.isAllowed('https://www.x.mx/p4', 'x');
    assert.equal(calls.length, 2);
    now = 1000;
    await robots.isAllowed('https://www.x.mx/p5', 'x');
    assert.equal(calls.length, 3, 'expired entry is fetched again');
  });

  it('allows everything when the site has no robots.txt, and never fetches when not respecting it', async () => {
    const { load, calls } = countingLoader({});
    assert.equal(
      await new RobotsPolicy({ respect: true, cacheDurationMs: 1000 }, load).isAllowed(
        'https://www.x.mx/privado/a',
        'x',
      ),
      true,
    );
    assert.equal(
      await new RobotsPolicy({ respect: false, cacheDurationMs: 1000 }, load).isAllowed(
        'https://www.x.mx/privado/a',
        'x',
      ),
      true,
    );
    assert.equal(calls.length, 1);
  });

  it('does not cache a failed load: the error surfaces and the next call asks again', async () => {
    const answers: Record<string, string | Error> = { 'https://www.x.mx/robots.txt': new NetworkError('reset') };
    const { load, calls } = countingLoader(answers);
    const robots = new RobotsPolicy({ respect: true, cacheDurationMs: 60_000 }, load);
    await assert.rejects(robots.isAllowed('https://www.x.mx/a', 'x'), NetworkError);
    answers['https://www.x.mx/robots.txt'] = ROBOTS;
    assert.equal(await robots.isAllowed('https://www.x.mx/privado/a', 'x'), false);
    assert.equal(calls.length, 2);
  });

  it('a caller that aborts does not fail the others waiting for the same robots.txt', async () => {
    let release!: (text: string) => void;
    const robots = new RobotsPolicy(
      { respect: true, cacheDurationMs: 60_000 },
      () => new Promise((resolve) => (release = resolve)),
    );
    const controller = new AbortController();
    const aborted = robots.isAllowed('https://www.x.mx/a', 'x', controller.signal);
    const other = robots.isAllowed('https://www.x.mx/privado/b', 'x');
    controller.abort(new Error('stop'));
    await assert.rejects(aborted, /stop/);
    release(ROBOTS);
    assert.equal(await other, false);
  });
});
