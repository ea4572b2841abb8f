/** Pages a policy refused (the host policy, robots.txt) are rows of the pages table with their reason, and read back as such. */
import { strict as assert } from 'node:assert';
import { policyRefusals, recordPage } from '../../../../lib/store/pages';
import { describeOnEachBackend } from '../../../support/store-backends';

describeOnEachBackend('policy refusals of pages', (backend) => {
  it('lists the host-policy and robots.txt refusals of a batch with their reasons, and nothing else', async () => {
    const db = await backend.open();
    try {
      const base = {
        batchId: 'b1',
        site: 'lamudi',
        attempt: 1,
        statusCode: null,
        latencyMs: null,
        bytes: null,
        listings: 0,
      };
      await recordPage(db, {
        ...base,
        kind: 'listing',
        url: 'https://www.lamudi.com.mx/jalisco/',
        statusCode: 200,
        latencyMs: 10,
        bytes: 100,
        listings: 20,
        errorType: null,
        error: null,
      });
      await recordPage(db, {
        ...base,
        kind: 'listing',
        url: 'http://127.0.0.1:9/x',
        errorType: 'HostPolicyError',
        error:
          'http://127.0.0.1:9/x refused: host 127.0.0.1 is a loopback address (this machine); URLs must name a host on lamudi.com.mx',
      });
      await recordPage(db, {
        ...base,
        kind: 'detail',
        url: 'https://www.lamudi.com.mx/formulario/1',
        errorType: 'RobotsDisallowedError',
        error: 'www.lamudi.com.mx robots.txt disallows /formulario/1',
      });
      await recordPage(db, {
        ...base,
        kind: 'detail',
        url: 'https://www.lamudi.com.mx/detalle/2',
        errorType: 'ServerError',
        error: '503',
      });
      await recordPage(db, {
        ...base,
        batchId: 'b2',
        kind: 'listing',
        url: 'http://10.0.0.1/',
        errorType: 'HostPolicyError',
        error: 'other batch',
      });
      assert.deepEqual(await policyRefusals(db, 'b1'), [
        {
          site: 'lamudi',
          kind: 'listing',
          url: 'http://127.0.0.1:9/x',
          errorType: 'HostPolicyError',
          reason:
            'http://127.0.0.1:9/x refused: host 127.0.0.1 is a loopback address (this machine); URLs must name a host on lamudi.com.mx',
        },
        {
          site: 'lamudi',
          kind: 'detail',
          url: 'https://www.lamudi.com.mx/formulario/1',
          errorType: 'RobotsDisallowedError',
          reason: 'www.lamudi.com.mx robots.txt disallows /formulario/1',
        },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
