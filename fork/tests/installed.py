"""A prefix made by `make install PREFIX=DIR`, for the tests that build
programs against one (test_install, test_embed_parallel)."""

import os
import subprocess
import unittest

FORK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(FORK_DIR)

needs_build = unittest.skipUnless(
    os.path.exists(os.path.join(REPO, 'build', 'install', 'bin', 'python3')),
    'build/install is not built')


def run(*cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def install(prefix):
    """Install build/install into prefix as `make install` does."""
    result = run(os.path.join(FORK_DIR, 'install'), prefix)
    if result.returncode:
        raise RuntimeError(result.stderr)


def embed_flags(prefix):
    """`pkg-config --cflags --libs python3-embed` for the prefix, as a list.

    pkg-config falls back to the system's python3-embed.pc when it finds
    none in PKG_CONFIG_PATH, so the flags must be seen to name the prefix.
    """
    env = dict(os.environ,
               PKG_CONFIG_PATH=os.path.join(prefix, 'lib', 'pkgconfig'))
    result = run('pkg-config', '--cflags', '--libs', 'python3-embed', env=env)
    if result.returncode:
        raise AssertionError(f'pkg-config failed: {result.stderr}')
    flags = result.stdout.split()
    for flag in [f'-I{prefix}/include/python3.11', f'-L{prefix}/lib']:
        if flag not in flags:
            raise AssertionError(f'pkg-config gave {flags}, without {flag}')
    return flags
