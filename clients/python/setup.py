"""The build step pyproject.toml cannot say by itself: porto/rpc_pb2.py is generated from the
repository's rpc.proto by protoc while the package is built, never kept in the source tree."""

import os
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.path.normpath(os.path.join(HERE, '..', '..', 'proto', 'src', 'main', 'proto'))


class BuildPyWithProtocol(build_py):
    def run(self):
        super().run()
        if self.dry_run:
            return
        target = os.path.join(self.build_lib, 'porto')
        self.mkpath(target)
        proto = os.path.join(PROTO_DIR, 'rpc.proto')
        if not os.path.exists(proto):
            raise SystemExit('rpc.proto not found at {}: build from a checkout of the repository'.format(proto))
        subprocess.check_call(['protoc', '--proto_path=' + PROTO_DIR, '--python_out=' + target, proto])


setup(cmdclass={'build_py': BuildPyWithProtocol})
