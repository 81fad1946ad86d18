"""A private portod for the client tests, started as the Java end-to-end tests start theirs.

portod-native master runs the daemon from this build's jars (app-daemon/target, so `mvn package`
comes first) with its own socket, state, cgroup root and place; nothing is shared with an installed
portod.  stop() sends SIGINT to the master, which stops the daemon and every container, then removes
what the daemon made on the host.

As a program it wraps a command: `private_portod.py -- COMMAND...` starts a daemon, runs COMMAND
with PORTO_SOCKET naming the daemon's socket, stops the daemon and exits with COMMAND's status.
The Go, C++ and scenario tests run this way (scripts/test.sh).
"""

import glob
import os
import shutil
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, 'clients', 'python'))

import porto  # noqa: E402  (clients/python, after its build.sh)

JVM_OPTIONS = ['--sun-misc-unsafe-memory-access=allow', '--add-exports', 'java.base/sun.nio.ch=ALL-UNNAMED',
               '--enable-native-access=ALL-UNNAMED', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto']


class StartFailure(Exception):
    """The daemon could not be started; the message says why (and holds its log when it has one)."""


class Portod(object):
    def __init__(self, tag='py'):
        self.id = '{}{}'.format(tag, os.getpid())
        self.run_dir = '/run/porto-test-' + self.id
        self.socket = os.path.join(self.run_dir, 'portod.socket')
        self.log = os.path.join(self.run_dir, 'portod.log')
        self.cgroup_root = 'porto-test-' + self.id
        self.place = '/place/porto-test-' + self.id
        # Its own volume place: a daemon tears down the volumes of its place that it has no record of.
        self.volume_place = self.place + '-volumes'
        self.native = os.path.join(REPO, 'adapters-linux/target/native/portod-native')
        self.env = dict(os.environ,
                        PORTO_SOCKET=self.socket,
                        PORTO_STATE_DIR=os.path.join(self.run_dir, 'kvs'),
                        PORTO_CGROUP_ROOT=self.cgroup_root,
                        PORTO_PLACE=self.place,
                        PORTO_VOLUME_PLACE=self.volume_place,
                        PORTO_NATIVE=self.native,
                        PORTO_LOG=self.log,
                        PORTO_MASTER_PIDFILE=os.path.join(self.run_dir, 'portoloop.pid'),
                        PORTO_PIDFILE=os.path.join(self.run_dir, 'portod.pid'))
        self.master = None

    def start(self):
        if os.geteuid() != 0:
            raise StartFailure('the client tests start a real portod and need root')
        jars = glob.glob(os.path.join(REPO, 'app-daemon/target/app-daemon-*.jar'))
        libs = os.path.join(REPO, 'app-daemon/target/lib')
        if not jars or not os.path.isdir(libs) or not os.path.exists(self.native):
            raise StartFailure('build the daemon first: mvn -B package -pl app-daemon -am -DskipTests')
        java = os.path.join(os.environ['JAVA_HOME'], 'bin/java') if 'JAVA_HOME' in os.environ else 'java'
        os.makedirs(self.run_dir)
        # The volume place is a shared mount of its own, so that a client program run in a mount
        # namespace of its own (--propagation slave, to find the socket at /run/portod.socket as
        # upstream's clients do) sees the volumes the daemon mounts after that namespace was made.
        os.makedirs(self.volume_place, exist_ok=True)
        subprocess.check_call(['mount', '--bind', self.volume_place, self.volume_place])
        subprocess.check_call(['mount', '--make-shared', self.volume_place])
        command = [self.native, 'master', '--socket', self.socket,
                   '--pidfile', self.env['PORTO_MASTER_PIDFILE'], '--daemon-pidfile', self.env['PORTO_PIDFILE'],
                   '--log', self.log, '--',
                   java] + JVM_OPTIONS + ['-cp', ':'.join(jars + [libs + '/*']), 'porto.daemon.Portod', 'serve']
        self.master = subprocess.Popen(command, env=self.env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = porto.Connection(socket_path=self.socket, timeout=60)
        try:
            probe.connect(timeout=60)
            probe.Version()
        except porto.exceptions.PortoException as e:
            self.stop()
            raise StartFailure('portod did not start ({}); log:\n{}'.format(e, self.log_text()))
        finally:
            probe.disconnect()

    def log_text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError as e:
            return '(no log: {})'.format(e)

    def stop(self):
        if self.master is not None and self.master.poll() is None:
            self.master.send_signal(signal.SIGINT)
            try:
                self.master.wait(60)
            except subprocess.TimeoutExpired:
                self.master.kill()
                self.master.wait()
        for hierarchy in glob.glob('/sys/fs/cgroup/*/') + ['/sys/fs/cgroup/']:
            root = os.path.join(hierarchy, self.cgroup_root)
            if os.path.isdir(root):
                # cgroup directories go bottom-up with rmdir; their files cannot be unlinked.
                for directory, _, _ in sorted(os.walk(root), key=lambda w: -w[0].count('/')):
                    os.rmdir(directory)
        self.release_volumes()
        for store in ('kvs', 'vkvs'):  # their tmpfs, kept by a daemon that was not fully stopped
            subprocess.call(['umount', '-l', os.path.join(self.run_dir, store)], stderr=subprocess.DEVNULL)
        shutil.rmtree(self.place, ignore_errors=True)
        shutil.rmtree(self.volume_place, ignore_errors=True)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def release_volumes(self):
        """Volumes outlive their daemon: what a failed test left is unmounted and detached here, deepest
        first, before the directories go (removing files through a bind mount would reach its source)."""
        prefix = self.volume_place + '/'
        with open('/proc/self/mountinfo') as f:
            targets = [line.split()[4] for line in f]
        for target in sorted((t for t in targets if t.startswith(prefix)), key=lambda t: -t.count('/')):
            subprocess.call(['umount', '-l', target], stderr=subprocess.DEVNULL)
        if self.volume_place in targets:
            subprocess.call(['umount', '-l', self.volume_place], stderr=subprocess.DEVNULL)
        listing = subprocess.run(['losetup', '-n', '-O', 'NAME,BACK-FILE', '-l'], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, universal_newlines=True).stdout
        for line in listing.splitlines():
            parts = line.split(None, 1)
            if len(parts) == 2 and parts[1].strip().startswith(prefix):
                subprocess.call(['losetup', '-d', parts[0]], stderr=subprocess.DEVNULL)


def main(argv):
    if len(argv) < 3 or argv[1] != '--':
        sys.stderr.write('usage: private_portod.py -- COMMAND [ARG...]\n')
        return 2
    daemon = Portod(tag='cl')
    try:
        daemon.start()
    except StartFailure as e:
        sys.stderr.write('private_portod.py: {}\n'.format(e))
        return 1
    try:
        status = subprocess.call(argv[2:], env=dict(os.environ, PORTO_SOCKET=daemon.socket))
        if status != 0:
            sys.stderr.write('private_portod.py: {} exited {}; the daemon log is {}\n'.format(
                argv[2], status, daemon.log))
            sys.stderr.write(daemon.log_text()[-4000:])
        return status
    finally:
        daemon.stop()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
