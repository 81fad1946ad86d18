# A client as written for upstream Porto's Python API, using labels, layers and volumes: it must run
# unchanged here. Its argument is a layer tarball holding the file "greeting".
import os
import sys

import porto

conn = porto.Connection()

ct = conn.Create('upstream-volumes')
ct.SetLabel('TEST.owner', 'script')
print('labels: ' + ' '.join('{}={}'.format(l['label'], l['value']) for l in conn.FindLabel('TEST.*', mask='upstream-*')))
print('counter: {}'.format(ct.IncLabel('TEST.runs')))

layer = conn.ImportLayer('upstream-layer', sys.argv[1])
volume = conn.CreateVolume(layers=[layer.name], backend='overlay')
with open(os.path.join(volume.path, 'greeting')) as f:
    print('greeting: ' + f.read().strip())
volume.Link(ct.name)
print('linked: ' + ' '.join(c.name for c in volume.GetContainers() if c.name == ct.name))
volume.Unlink(ct.name)
volume.Unlink()
try:
    conn.FindVolume(volume.path)
except porto.exceptions.VolumeNotFound:
    print('volume gone')
layer.Remove()
try:
    conn.RemoveLayer('upstream-layer')
except porto.exceptions.LayerNotFound:
    print('layer gone')
ct.Destroy()
