"""Volumes, layers, storages, labels and ListContainersBy through the porto package."""

import io
import os
import subprocess
import sys
import tarfile

import pytest

import porto
from porto import exceptions


def layer_tarball(directory, content):
    path = os.path.join(str(directory), 'layer.tar')
    data = content.encode()
    with tarfile.open(path, 'w') as tar:
        entry = tarfile.TarInfo('greeting')
        entry.size = len(data)
        tar.addfile(entry, io.BytesIO(data))
    return path


def test_labels_set_find_increment_and_select(conn):
    a = conn.Create('py-label-a')
    conn.Create('py-label-b')
    a.SetLabel('TEST.color', 'blue')
    conn.SetLabel('py-label-b', 'TEST.color', 'red')
    with pytest.raises(exceptions.Busy):
        a.SetLabel('TEST.color', 'green', prev_value='red')
    assert a.GetLabel('TEST.color') == 'blue'
    assert conn.FindLabel('TEST.color', mask='py-label-*', value='red') == [
        {'name': 'py-label-b', 'state': 'stopped', 'label': 'TEST.color', 'value': 'red'}]
    assert a.IncLabel('TEST.count', 2) == 2
    assert conn.IncLabel('py-label-a', 'TEST.count') == 3
    with pytest.raises(exceptions.InvalidLabel):
        a.SetLabel('no-prefix', 'x')
    selected = conn.ListContainersBy([{'name': 'py-label-*', 'labels': {'TEST.color': 'red'}}], ['state'])
    assert [c.spec.name for c in selected] == ['py-label-b']
    assert a.Dump().status.state == 'stopped'


def test_a_volume_with_a_layer(conn, tmp_path):
    layer = conn.ImportLayer('py-layer', layer_tarball(tmp_path, 'hello from a layer\n'))
    try:
        assert isinstance(layer, porto.Layer)
        assert conn.FindLayer('py-layer').name == 'py-layer'
        assert 'py-layer' in [str(l) for l in conn.ListLayers()]
        volume = conn.CreateVolume(layers=[layer], backend='overlay')
        assert isinstance(volume, porto.Volume)
        with open(os.path.join(volume.path, 'greeting')) as f:
            assert f.read() == 'hello from a layer\n'
        assert [str(l) for l in volume.GetLayers()] == ['py-layer']
        assert conn.FindVolume(volume.path).backend == 'overlay'
        ct = conn.Create('py-volume-user')
        volume.Link(ct)
        assert ct in volume.GetContainers()
        # As upstream's: every link of each volume the container sees, the host's own link included.
        assert sorted(link.container.name for link in conn.ListVolumeLinks(container=ct)) == ['/', 'py-volume-user']
        volume.Unlink(ct)
        volume.Destroy()
        with pytest.raises(exceptions.VolumeNotFound):
            conn.FindVolume(volume.path)
        assert isinstance(conn.ListStorages(), list)
    finally:
        conn.RemoveLayer('py-layer')
    with pytest.raises(exceptions.LayerNotFound):
        conn.FindLayer('py-layer')


def test_a_script_written_for_upstreams_api_uses_labels_layers_and_volumes_unchanged(portod, tmp_path):
    # As the container script's test: /run is the test daemon's run directory in its mount namespace.
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'upstream_volumes_script.py')
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run(['unshare', '--mount', '--propagation', 'slave', 'sh', '-c',
                             'mount --bind "$0" /run && exec "$1" "$2" "$3"', portod.run_dir, sys.executable,
                             script, layer_tarball(tmp_path, 'hello from a layer\n')],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        'labels: TEST.owner=script',
        'counter: 1',
        'greeting: hello from a layer',
        'linked: upstream-volumes',
        'volume gone',
        'layer gone',
    ]
