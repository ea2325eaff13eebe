"""The repository's machinery: fork/check, fork/assemble and fork/export.
Each test works on a scratch copy of the repository, never on it."""

import os
import shutil
import subprocess
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SRC = os.path.join(REPO, 'build', 'src')


def copy_repo(dest):
    """Copy the repository's files (tracked and untracked, not ignored)."""
    files = subprocess.run(
        ['git', 'ls-files', '--cached', '--others', '--exclude-standard'],
        cwd=REPO, capture_output=True, text=True, check=True).stdout.splitlines()
    for f in files:
        if os.path.isfile(os.path.join(REPO, f)):
            os.makedirs(os.path.join(dest, os.path.dirname(f)), exist_ok=True)
            shutil.copy2(os.path.join(REPO, f), os.path.join(dest, f))
    subprocess.run(['git', 'init', '-q', dest], check=True)


def run(*cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


class CheckTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        copy_repo(self.tmp)

    def check(self):
        return run('fork/check', cwd=self.tmp)

    def test_repository_passes(self):
        result = self.check()
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_copied_upstream_file_is_refused(self):
        # An upstream file's content under another name is still a copy.
        with open(os.path.join(SRC, 'Lib', 'colorsys.py'), 'rb') as f:
            content = f.read()
        os.makedirs(os.path.join(self.tmp, 'bench'), exist_ok=True)
        with open(os.path.join(self.tmp, 'bench', 'colors.py'), 'wb') as f:
            f.write(content)
        result = self.check()
        self.assertEqual(result.returncode, 1)
        self.assertIn('bench/colors.py is a copy of an upstream file',
                      result.stderr)

    def test_shadowing_upstream_path_is_refused(self):
        os.makedirs(os.path.join(self.tmp, 'Lib'), exist_ok=True)
        with open(os.path.join(self.tmp, 'Lib', 'colorsys.py'), 'w') as f:
            f.write('# not the upstream module, but at its path\n' * 3)
        result = self.check()
        self.assertEqual(result.returncode, 1)
        self.assertIn('Lib/colorsys.py shadows the upstream file',
                      result.stderr)

    def test_patch_creating_a_file_is_refused(self):
        with open(os.path.join(self.tmp, 'patches', '9999-new.patch'), 'w') as f:
            f.write('--- /dev/null\n+++ b/Lib/new.py\n@@ -0,0 +1 @@\n+x = 1\n')
        with open(os.path.join(self.tmp, 'patches', 'series'), 'a') as f:
            f.write('9999-new.patch\n')
        result = self.check()
        self.assertEqual(result.returncode, 1)
        self.assertIn('creates a file', result.stderr)

    def test_series_out_of_order_is_refused(self):
        path = os.path.join(self.tmp, 'patches', 'series')
        with open(path) as f:
            lines = f.read().splitlines()
        patches = [i for i, l in enumerate(lines) if l and not l.startswith('#')]
        a, b = patches[0], patches[1]
        lines[a], lines[b] = lines[b], lines[a]
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        result = self.check()
        self.assertEqual(result.returncode, 1)
        self.assertIn('series order and numbers must agree', result.stderr)

    def test_new_file_of_no_topic_is_refused(self):
        os.makedirs(os.path.join(self.tmp, 'Lib'), exist_ok=True)
        with open(os.path.join(self.tmp, 'Lib', 'percore_orphan.py'), 'w') as f:
            f.write('# a new file that no patch header names\n' * 3)
        result = self.check()
        self.assertEqual(result.returncode, 1)
        self.assertIn('Lib/percore_orphan.py is a new file that no patch names',
                      result.stderr)

    def test_header_citing_outside_the_repository_is_refused(self):
        with open(os.path.join(self.tmp, 'patches', 'series')) as f:
            first = next(l.strip() for l in f if l.strip() and not l.startswith('#'))
        path = os.path.join(self.tmp, 'patches', first)
        with open(path) as f:
            text = f.read()
        with open(path, 'w') as f:
            f.write(text.replace('\n---\n', '\nSee DESIGN.md, issue 4.\n---\n', 1))
        result = self.check()
        self.assertEqual(result.returncode, 1)
        self.assertIn('cites something outside the repository', result.stderr)

    def test_stale_feature_map_is_refused(self):
        path = os.path.join(self.tmp, 'README.rst')
        with open(path) as f:
            text = f.read()
        with open(path, 'w') as f:
            f.write(text.replace('.. END FEATURE MAP', 'stale\n.. END FEATURE MAP'))
        result = self.check()
        self.assertEqual(result.returncode, 1)
        self.assertIn('feature map', result.stderr)


@unittest.skipUnless(os.path.isdir(os.path.join(SRC, '.git')),
                     'build/src is not assembled')
class ExportTests(unittest.TestCase):
    def test_export_of_unchanged_tree_changes_nothing(self):
        # The copy shares build/ with the repository, so fork/export reads
        # the real build/src and writes into the copy.
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        copy_repo(tmp)
        os.symlink(os.path.join(REPO, 'build'), os.path.join(tmp, 'build'))
        check = run('fork/export', '--check', cwd=tmp)
        if check.returncode != 0:
            self.skipTest('build/src holds unexported work')
        result = run('fork/export', cwd=tmp)
        self.assertEqual(result.returncode, 0, result.stderr)
        diff = run('diff', '-r', os.path.join(REPO, 'patches'),
                   os.path.join(tmp, 'patches'), cwd=tmp)
        self.assertEqual(diff.returncode, 0, diff.stdout)
        for d in ('Include', 'Lib', 'Objects', 'Python', 'Modules', 'Doc'):
            if os.path.isdir(os.path.join(REPO, d)):
                diff = run('diff', '-r', os.path.join(REPO, d),
                           os.path.join(tmp, d), cwd=tmp)
                self.assertEqual(diff.returncode, 0, diff.stdout)

    def test_assemble_then_export_round_trips(self):
        # Assembling build/src from the repository and exporting it again
        # writes back exactly the repository's patches and new files.
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        copy_repo(tmp)
        result = run('fork/assemble', cwd=tmp)
        self.assertEqual(result.returncode, 0, result.stderr)
        log = run('git', 'log', '--format=%s', 'upstream..',
                  cwd=os.path.join(tmp, 'build', 'src'))
        with open(os.path.join(tmp, 'patches', 'series')) as f:
            series = [line for line in f
                      if line.strip() and not line.startswith('#')]
        # One commit per patch, each with the new files its header names.
        self.assertEqual(len(log.stdout.splitlines()), len(series))
        result = run('fork/export', cwd=tmp)
        self.assertEqual(result.returncode, 0, result.stderr)
        for d in ('patches', 'Include', 'Lib', 'Objects', 'Python', 'Modules',
                  'Doc', 'Misc', 'Programs'):
            if os.path.isdir(os.path.join(REPO, d)):
                diff = run('diff', '-r', '-x', '__pycache__',
                           os.path.join(REPO, d), os.path.join(tmp, d), cwd=tmp)
                self.assertEqual(diff.returncode, 0, diff.stdout)

    def test_unexported_work_blocks_reassembly(self):
        # A commit in build/src that export has not written back must stop
        # fork/assemble from replacing the tree.
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        copy_repo(tmp)
        os.makedirs(os.path.join(tmp, 'build'))
        clone = os.path.join(tmp, 'build', 'src')
        subprocess.run(['git', 'clone', '-q', SRC, clone], check=True)
        for name in ('percore-exported', 'percore-digest'):
            shutil.copy(os.path.join(SRC, '.git', name),
                        os.path.join(clone, '.git', name))
        subprocess.run(['git', '-c', 'user.name=t', '-c', 'user.email=t@t',
                        'commit', '-q', '--allow-empty', '-m', 'work'],
                       cwd=clone, check=True)
        # A new file changes the inputs, so assemble wants a new build/src.
        os.makedirs(os.path.join(tmp, 'Lib'), exist_ok=True)
        with open(os.path.join(tmp, 'Lib', 'percore_touch.py'), 'w') as f:
            f.write('')
        result = run('fork/assemble', cwd=tmp)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn('not exported', result.stderr)


if __name__ == '__main__':
    unittest.main()
