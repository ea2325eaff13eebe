"""The security layer: Debian's security and crash fixes under the series.

build/src's upstream part is pristine 3.11.2 (tag pristine), then one commit
per Debian patch that fork/security-patches applies (tag upstream), from the
revision fork/upstream.conf pins; make baseline builds the same layer. The
fixes are visible in the built python, and fork/fetch takes the newest
pinned revision it can get, or says in one line that there is none.

Run with the python under test: build/install/bin/python3 -m unittest ...
"""

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest

FORK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(FORK_DIR)
SRC = os.path.join(REPO, 'build', 'src')
BASELINE_SRC = os.path.join(REPO, 'build', 'baseline-src')
BASELINE_PYTHON = os.path.join(REPO, 'build', 'baseline', 'bin', 'python3')
CACHE_DIR = os.environ.get('PERCORE_CACHE') or os.path.join(
    os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
    'percore')


def run(*cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def git(repo, *args):
    result = run('git', '-C', repo, *args)
    if result.returncode:
        raise RuntimeError(result.stderr)
    return result.stdout


def conf(name):
    """A variable of fork/upstream.conf, as the shell scripts see it."""
    return run('bash', '-c', f'. "$1"; printf %s "${name}"', 'conf',
               os.path.join(FORK_DIR, 'upstream.conf')).stdout


def pinned_revisions():
    """[(revision, sha256)] of fork/upstream.conf, newest first."""
    return [tuple(line.split()) for line in
            conf('SECURITY_REVISIONS').splitlines() if line.strip()]


def security_list():
    """{patch name: 'apply' or 'skip'} of fork/security-patches."""
    actions = {}
    with open(os.path.join(FORK_DIR, 'security-patches')) as f:
        for line in f:
            words = line.split()
            if words and words[0] in ('apply', 'skip'):
                actions[words[1]] = words[0]
    return actions


def debian_series(tarball):
    with tarfile.open(tarball) as tar:
        text = tar.extractfile('debian/patches/series').read().decode()
    return [line.split()[0] for line in
            (line.split('#')[0] for line in text.splitlines())
            if line.strip()]


# What the security layer fixes, as Python code sees it: one check per CVE,
# each true with the fix and false on pristine 3.11.2.
FIXES = {
    # CVE-2023-24329: urlsplit strips leading C0 control and space characters.
    'CVE-2023-24329': "import urllib.parse as p; "
                      "print(p.urlsplit(' https://example.com/x').scheme == 'https')",
    # CVE-2023-41105: normpath no longer truncates at an embedded NUL.
    'CVE-2023-41105': "import os.path; print(os.path.normpath('a\\x00b') == 'a\\x00b')",
    # CVE-2023-27043: parseaddr() rejects a malformed address list.
    'CVE-2023-27043': "import email.utils as u; "
                      "print(u.parseaddr('alice@example.org, bob@example.com') == ('', '') "
                      "and u.getaddresses(['alice@example.org(<bob@example.com>']) == [('', '')])",
}


class FixesTests(unittest.TestCase):
    def check(self, python):
        for cve, code in FIXES.items():
            with self.subTest(cve=cve, python=python):
                result = run(python, '-I', '-c', code)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout.strip(), 'True', code)

    def test_fixed_here(self):
        self.check(sys.executable)

    @unittest.skipUnless(os.path.exists(BASELINE_PYTHON),
                         'build/baseline is not built (make baseline)')
    def test_fixed_in_baseline(self):
        # The baseline is 3.11.2 with the same layer, so it has them too.
        self.check(BASELINE_PYTHON)


@unittest.skipUnless(os.path.isdir(os.path.join(SRC, '.git')),
                     'build/src is not assembled')
class LayerTests(unittest.TestCase):
    def layer(self, repo):
        """[(Debian patch, Debian revision)] of pristine..upstream in repo;
        percore's fix-ups of Debian patches are (None, None)."""
        out = git(repo, 'log', '--reverse', '--format=%H', 'pristine..upstream')
        layer = []
        for commit in out.split():
            trailers = git(repo, 'log', '-1', '--format=%(trailers:only,unfold)',
                           commit)
            fields = dict(line.split(': ', 1) for line in trailers.splitlines()
                          if ': ' in line)
            layer.append((fields.get('Debian-Patch'),
                          fields.get('Debian-Revision')))
        return layer

    def test_layer_matches_the_pin(self):
        layer = self.layer(SRC)
        self.assertTrue(layer, 'no security layer between pristine and upstream')
        fixups = [entry for entry in layer if entry == (None, None)]
        layer = [entry for entry in layer if entry != (None, None)]
        with open(os.path.join(FORK_DIR, 'security-patches')) as f:
            self.assertEqual(len(fixups), sum(line.startswith('fixup ')
                                              for line in f))
        revisions = {rev for _, rev in layer}
        self.assertEqual(len(revisions), 1, revisions)
        revision = revisions.pop()
        pins = dict(pinned_revisions())
        self.assertIn(revision, pins, 'the layer is from a revision not pinned')

        tarball = os.path.join(CACHE_DIR,
                               f'python3.11_{revision}.debian.tar.xz')
        if not os.path.exists(tarball):
            self.skipTest(f'{tarball} is not cached')
        digest = run('sha256sum', tarball).stdout.split()[0]
        self.assertEqual(digest, pins[revision])

        # Every patch of the revision is reviewed; those applied are the
        # layer's commits, in Debian's order.
        actions = security_list()
        series = debian_series(tarball)
        self.assertEqual([p for p in series if p not in actions], [])
        self.assertEqual([p for p, _ in layer],
                         [p for p in series if actions[p] == 'apply'])

    def test_pristine_is_the_tarball(self):
        subject = git(SRC, 'log', '-1', '--format=%s', 'pristine').strip()
        self.assertEqual(subject, 'upstream: CPython 3.11.2 '
                                  '(python3.11_3.11.2.orig.tar.gz)')
        self.assertEqual(git(SRC, 'rev-list', '--count', 'pristine').strip(),
                         '1')

    @unittest.skipUnless(os.path.isdir(os.path.join(BASELINE_SRC, '.git')),
                         'build/baseline-src is not assembled (make baseline)')
    def test_baseline_has_the_same_layer(self):
        self.assertEqual(git(BASELINE_SRC, 'rev-parse', 'upstream^{tree}'),
                         git(SRC, 'rev-parse', 'upstream^{tree}'))
        # ... and nothing of percore.
        self.assertEqual(git(BASELINE_SRC, 'rev-parse', 'HEAD'),
                         git(BASELINE_SRC, 'rev-parse', 'upstream'))


class FetchTests(unittest.TestCase):
    """fork/fetch --security with a scratch pin and cache."""

    def fetch(self, revisions, cached=()):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        fork = os.path.join(tmp, 'fork')
        os.makedirs(fork)
        for name in ('fetch', 'lib.sh', 'security-patches'):
            shutil.copy2(os.path.join(FORK_DIR, name), fork)
        with open(os.path.join(FORK_DIR, 'upstream.conf')) as f:
            text = f.read()
        start = text.index('SECURITY_REVISIONS="\n') + len('SECURITY_REVISIONS="\n')
        end = text.index('"\n', start)
        lines = ''.join(f'{rev} {sha}\n' for rev, sha in revisions)
        with open(os.path.join(fork, 'upstream.conf'), 'w') as f:
            f.write(text[:start] + lines + text[end:])
        cache = os.path.join(tmp, 'cache')
        os.makedirs(cache)
        for path in cached:
            shutil.copy(path, cache)
        env = dict(os.environ, PERCORE_CACHE=cache)
        return run(os.path.join(fork, 'fetch'), '--security', env=env), cache

    def test_newest_pinned_that_is_there(self):
        # A newer pinned revision that the archive does not serve is passed
        # over for an older one in the cache (or the archive).
        revision, sha = pinned_revisions()[0]
        tarball = os.path.join(CACHE_DIR, f'python3.11_{revision}.debian.tar.xz')
        if not os.path.exists(tarball):
            self.skipTest(f'{tarball} is not cached')
        result, cache = self.fetch([('3.11.2-6+deb12u99', '0' * 64),
                                    (revision, sha)], [tarball])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(),
                         os.path.join(cache, os.path.basename(tarball)))

    def test_none_there_says_so_in_one_line(self):
        result, _ = self.fetch([('3.11.2-6+deb12u99', '0' * 64)])
        self.assertEqual(result.returncode, 1)
        errors = [line for line in result.stderr.splitlines()
                  if line.startswith('percore: error:')]
        self.assertEqual(len(errors), 1, result.stderr)
        if 'could not read' not in errors[0]:   # no network: apt's reason
            self.assertIn('deb12u99', errors[0])
            self.assertIn('fork/update-security-layer', errors[0])


if __name__ == '__main__':
    unittest.main()
