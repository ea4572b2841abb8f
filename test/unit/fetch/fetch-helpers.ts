/**
 * What the fetch tests share. The fetchers learn from the worker how a site's challenge page looks
 * (workers/activity-deps.ts); the tests hand them the same recognizer a built-in portal gets.
 */
import type { ChallengeRecognizer } from '../../../lib/fetch/responses';
import { isChallengePage } from '../../../scrapers/page';

/** The built-in portals' recognizer: challenge markers, content told by all six portals' hooks. */
export const recognizeChallenge: ChallengeRecognizer = (html) => isChallengePage(html);
