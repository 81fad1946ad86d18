"""The four-client scenario in Python (see README.md): prints the transcript that run.py compares."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'python'))

import porto  # noqa: E402
from porto import exceptions  # noqa: E402


def error_name(call):
    try:
        call()
    except exceptions.PortoException as e:
        return type(e).__name__
    return 'no error'


def main():
    conn = porto.Connection(socket_path=os.environ['PORTO_SOCKET'], timeout=60)
    conn.Version()
    print('version: ok')
    conn.Create('scn')
    print('create scn: ok')
    conn.SetProperty('scn', 'command', "sh -c 'echo scenario-out; exit 5'")
    print('set command: ok')
    conn.Start('scn')
    print('start: ok')
    print('wait:', conn.WaitContainers(['scn'], timeout=60))
    print('stdout:', conn.GetProperty('scn', 'stdout').rstrip('\n'))
    print('exit_status:', conn.GetProperty('scn', 'exit_status'))
    print('state:', conn.GetProperty('scn', 'state'))
    conn.Create('scn-a')
    conn.Create('scn-b')
    print('create scn-a scn-b: ok')
    print('list scn-*:', ' '.join(sorted(conn.List('scn-*'))))
    print('list scn:', ' '.join(conn.List('scn')))
    print('missing:', error_name(lambda: conn.GetProperty('scn-missing', 'state')))
    print('bad value:', error_name(lambda: conn.SetProperty('scn', 'memory_limit', 'plenty')))
    conn.SetLabel('scn', 'TEST.step', 'one')
    print('set label: ok')
    print('find label:', ' '.join('{name} {label}={value}'.format(**entry)
                                  for entry in conn.FindLabel('TEST.step', mask='scn*')))
    print('inc label:', conn.IncLabel('scn', 'TEST.count', 2))
    selected = conn.ListContainersBy([{'name': 'scn*', 'labels': {'TEST.step': 'one'}}], ['state'])
    print('list by label:', ' '.join(c.spec.name for c in selected))
    conn.ImportLayer('scn-layer', os.environ['PORTO_SCENARIO_TARBALL'])
    print('import layer: ok')
    volume = conn.CreateVolume(layers=['scn-layer'], backend='overlay')
    with open(os.path.join(volume.path, 'greeting')) as f:
        print('volume greeting:', f.readline().rstrip('\n'))
    print('volume layers:', conn.FindVolume(volume.path).properties['layers'])
    conn.DestroyVolume(volume.path)
    print('destroy volume: ok')
    conn.RemoveLayer('scn-layer')
    print('remove layer: ok')
    print('missing layer:', error_name(lambda: conn.RemoveLayer('scn-layer')))
    for name in ('scn', 'scn-a', 'scn-b'):
        conn.Destroy(name)
    print('destroy: ok')
    print('after destroy:', error_name(lambda: conn.GetProperty('scn', 'state')))
    conn.disconnect()


if __name__ == '__main__':
    main()
