# A client as written for upstream Porto's Python API (package portopy): it must run unchanged here.
import porto

conn = porto.Connection()
conn.connect()

tag, revision = conn.Version()
print('version ok' if tag else 'no version')

container = conn.Run('upstream-script', command="echo 'Hello from Porto'", wait=60)
print('stdout: ' + container['stdout'].strip())
print('exit_status: ' + container['exit_status'])

try:
    conn.Find('upstream-script-missing')
except porto.exceptions.ContainerDoesNotExist:
    print('missing: ContainerDoesNotExist')

try:
    container.SetProperty('cpu_limit', 'fast')
except porto.exceptions.InvalidValue:
    print('bad value: InvalidValue')
except porto.exceptions.EError as e:
    print('bad value: other error ' + str(e))

container.Destroy()
if 'upstream-script' not in conn.List():
    print('destroyed')
conn.disconnect()
