import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pem {
  key: string;
  cert: string;
}

export interface TestPki {
  dir: string;
  caPath: string;
  /** Signed by the test CA for 127.0.0.1 and localhost. */
  valid: Pem;
  /** Signed by the test CA, valid only in January 2020. */
  expired: Pem;
  /** Signed by the test CA for wrong.example only. */
  wrongName: Pem;
  /** Signed by nobody. */
  selfSigned: Pem;
  cleanup(): void;
}

/** Makes a throwaway CA and the certificates of every TLS failure, with openssl, in a temp dir. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'prober-pki-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const read = (name: string): Pem => ({
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    cert: readFileSync(join(dir, `${name}.pem`), 'utf8'),
  });

  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=prober test CA');
  const leaf = (name: string, san: string, extra: () => void) => {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    extra();
  };
  let serial = 10;
  const sign = (name: string) => () =>
    void ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      String(serial++),
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  leaf('valid', 'IP:127.0.0.1,DNS:localhost', sign('valid'));
  leaf('wrong', 'DNS:wrong.example', sign('wrong'));
  // `openssl x509` cannot back-date; `openssl ca` can set both validity dates.
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '99\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    `[ca]\ndefault_ca=test\n[test]\ndatabase=${dir}/index.txt\nnew_certs_dir=${dir}\nserial=${dir}/serial\ndefault_md=sha256\npolicy=any\nunique_subject=no\n[any]\ncommonName=supplied\n`,
  );
  leaf(
    'expired',
    'IP:127.0.0.1,DNS:localhost',
    () =>
      void ssl(
        'ca',
        '-config',
        'ca.cnf',
        '-batch',
        '-notext',
        '-keyfile',
        'ca.key',
        '-cert',
        'ca.pem',
        '-startdate',
        '20200101000000Z',
        '-enddate',
        '20200102000000Z',
        '-extfile',
        'expired.ext',
        '-in',
        'expired.csr',
        '-out',
        'expired.pem',
      ),
  );
  ssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'self.key',
    '-out',
    'self.pem',
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  );
  return {
    dir,
    caPath: join(dir, 'ca.pem'),
    valid: read('valid'),
    expired: read('expired'),
    wrongName: read('wrong'),
    selfSigned: read('self'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
