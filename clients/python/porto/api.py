"""Connection and Container: the public API, with upstream Porto's names and arguments."""

import socket
import threading

from . import exceptions
from . import rpc_pb2
from .transport import Channel
from .volumes import Layer, MetaStorage, Storage, Volume, VolumeLink, VolumeMethods  # noqa: F401  (public names)


def _from_wire(value):
    """Porto's "true"/"false" become Python booleans, as upstream's client returns them."""
    if value == 'true':
        return True
    if value == 'false':
        return False
    return value


def _to_wire(value):
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    if value is None:
        return ''
    return str(value)


def _set_if(message, field, value):
    if value is not None:
        setattr(message, field, value)


def _fill_message(message, fields):
    """Sets a message's fields from a dict: dicts fill sub-messages, lists repeated fields."""
    for key, value in fields.items():
        if isinstance(value, dict):
            getattr(message, key).SetInParent()
            _fill_message(getattr(message, key), value)
        elif isinstance(value, list):
            target = getattr(message, key)
            for item in value:
                if isinstance(item, dict):
                    _fill_message(target.add(), item)
                else:
                    target.append(item)
        else:
            setattr(message, key, value)


def _message_dict(message):
    """The fields a message has set, as a dict (sub-messages as dicts, repeated fields as lists)."""
    result = {}
    for field, value in message.ListFields():
        if field.type == field.TYPE_MESSAGE:
            result[field.name] = [_message_dict(v) for v in value] if field.label == field.LABEL_REPEATED \
                else _message_dict(value)
        else:
            result[field.name] = list(value) if field.label == field.LABEL_REPEATED else value
    return result


def _name_of(container):
    return container.name if isinstance(container, Container) else str(container)


class Property(object):
    """One entry of ContainerProperties(): a property's name, description and flags."""

    def __init__(self, name, desc, read_only, dynamic):
        self.name = name
        self.desc = desc
        self.read_only = read_only
        self.dynamic = dynamic

    def __str__(self):
        return self.name

    def __repr__(self):
        return 'Property `{}` `{}`'.format(self.name, self.desc)


class Container(object):
    """A handle on a named container; every method is one request through its Connection."""

    def __init__(self, conn, name):
        self.conn = conn
        self.name = name

    def __str__(self):
        return self.name

    def __repr__(self):
        return 'Container `{}`'.format(self.name)

    def __eq__(self, other):
        return isinstance(other, Container) and other.name == self.name

    def __hash__(self):
        return hash(self.name)

    def __truediv__(self, child):
        """Container / "child" is the handle of the child container."""
        return Container(self.conn, child if self.name == '/' else self.name + '/' + child)

    __div__ = __truediv__

    def __getitem__(self, key):
        return self.conn.GetProperty(self.name, key)

    def __setitem__(self, key, value):
        self.conn.SetProperty(self.name, key, value)

    def Start(self):
        self.conn.Start(self.name)

    def Stop(self, timeout=None):
        self.conn.Stop(self.name, timeout)

    def Kill(self, sig):
        self.conn.Kill(self.name, sig)

    def Pause(self):
        self.conn.Pause(self.name)

    def Resume(self):
        self.conn.Resume(self.name)

    def Destroy(self):
        self.conn.Destroy(self.name)

    def Get(self, variables, nonblock=False, sync=False):
        return self.conn.Get([self.name], variables, nonblock, sync)[self.name]

    def Set(self, **properties):
        self.conn.Set(self.name, **properties)

    def GetProperties(self):
        return self.Get(self.conn.Plist())

    def GetProperty(self, key, sync=False):
        return self.conn.GetProperty(self.name, key, sync)

    def SetProperty(self, key, value):
        self.conn.SetProperty(self.name, key, value)

    def GetData(self, data, sync=False):
        return self.conn.GetData(self.name, data, sync)

    def GetLabel(self, label):
        return self.conn.GetLabel(self.name, label)

    def SetLabel(self, label, value, prev_value=None):
        self.conn.SetLabel(self.name, label, value, prev_value)

    def IncLabel(self, label, add=1):
        return self.conn.IncLabel(self.name, label, add)

    def SetSymlink(self, symlink, target):
        self.conn.SetSymlink(self.name, symlink, target)

    def ListVolumeLinks(self):
        return self.conn.ListVolumeLinks(container=self)

    def LoadSpec(self, new_spec):
        """Applies a TContainerSpec to this container (its name field is replaced by ours)."""
        spec = rpc_pb2.TContainerSpec()
        spec.CopyFrom(new_spec)
        spec.name = self.name
        self.conn.SetSpec(spec)

    def Dump(self):
        """This container's TContainer (spec and status)."""
        containers = self.conn.GetContainersSpecs([self.name])
        if not containers:
            raise exceptions.ContainerDoesNotExist('container {} does not exist'.format(self.name))
        return containers[0]

    def WaitContainer(self, timeout=None):
        """Waits up to timeout seconds (None: forever); WaitContainerTimeout when it passes."""
        return self.conn.WaitContainers([self.name], timeout=timeout)

    def Wait(self, *args, **kwargs):
        """The old form: timeout in milliseconds, "" when it passes."""
        return self.conn.Wait([self.name], *args, **kwargs)


class Connection(VolumeMethods):
    """A client of portod.

    timeout: seconds one request may take beyond what the method itself waits (None: no limit).
    auto_reconnect: open the socket on first use and again after it breaks (or after a fork),
    sending the request again; without it a closed socket raises SocketError.
    """

    def __init__(self, socket_path='/run/portod.socket', timeout=300, disk_timeout=600,
                 socket_constructor=socket.socket, lock_constructor=threading.Lock,
                 auto_reconnect=True, reconnect_interval=0.5):
        self.rpc = Channel(socket_path, timeout, socket_constructor, lock_constructor,
                           auto_reconnect, reconnect_interval)
        self.disk_timeout = disk_timeout

    # -- the connection itself ----------------------------------------------------------------

    def connect(self, timeout=None):
        self.rpc.connect(timeout)

    def Connect(self, timeout=None):
        self.rpc.connect(timeout)

    def TryConnect(self, timeout=None):
        self.rpc.try_connect(timeout)

    def disconnect(self):
        self.rpc.disconnect()

    def Disconnect(self):
        self.rpc.disconnect()

    def connected(self):
        return self.rpc.connected()

    def nr_connects(self):
        return self.rpc.nr_connects

    def _call(self, fill, method_timeout=0):
        request = rpc_pb2.TContainerRequest()
        fill(request)
        return self.rpc.call(request, method_timeout)

    # -- containers ---------------------------------------------------------------------------

    def List(self, mask=None):
        def fill(request):
            request.list.SetInParent()
            if mask is not None:
                request.list.mask = mask
        return list(self._call(fill).list.name)

    def ListContainers(self, mask=None):
        return [Container(self, name) for name in self.List(mask)]

    def Find(self, name):
        """The container's handle; ContainerDoesNotExist when there is none."""
        self.GetProperty(name, 'state')
        return Container(self, name)

    def Create(self, name, weak=False):
        def fill(request):
            (request.createWeak if weak else request.create).name = name
        self._call(fill)
        return Container(self, name)

    def CreateWeakContainer(self, name):
        """A container destroyed when this connection closes (unless made non-weak)."""
        return self.Create(name, weak=True)

    def Run(self, name, weak=True, start=True, wait=0, root_volume=None, private_value=None, **properties):
        """Creates, sets properties, starts and optionally waits wait seconds (None: forever).

        It is created weak, so a failure half-way leaves nothing behind; weak=False turns that off
        once it runs.  On a Porto error the container is destroyed and the error raised.
        """
        container = self.Create(name, weak=True)
        try:
            for key, value in properties.items():
                container.SetProperty(key, value)
            if private_value is not None:
                container.SetProperty('private', private_value)
            if root_volume is not None:
                root = self.CreateVolume(containers=name, **root_volume)
                container.SetProperty('root', root.path)
            if start:
                container.Start()
            if not weak:
                container.SetProperty('weak', False)
            if wait != 0:
                container.WaitContainer(wait)
        except exceptions.PortoException:
            try:
                container.Destroy()
            except exceptions.ContainerDoesNotExist:
                pass
            raise
        return container

    def Destroy(self, container):
        def fill(request):
            request.destroy.name = _name_of(container)
        self._call(fill)

    def Start(self, name, timeout=None):
        def fill(request):
            request.start.name = _name_of(name)
        self._call(fill, timeout)

    def Stop(self, name, timeout=None):
        """Stops; timeout: seconds the tasks get after SIGTERM before SIGKILL (default the daemon's)."""
        def fill(request):
            request.stop.name = _name_of(name)
            if timeout is not None and timeout >= 0:
                request.stop.timeout_ms = int(timeout * 1000)
        self._call(fill, timeout if timeout is not None and timeout >= 0 else 30)

    def Kill(self, name, sig):
        def fill(request):
            request.kill.name = _name_of(name)
            request.kill.sig = sig
        self._call(fill)

    def Pause(self, name):
        def fill(request):
            request.pause.name = _name_of(name)
        self._call(fill)

    def Resume(self, name):
        def fill(request):
            request.resume.name = _name_of(name)
        self._call(fill)

    def Get(self, containers, variables, nonblock=False, sync=False):
        """{container: {variable: value}}; a value that could not be read is its Porto exception."""
        def fill(request):
            request.get.name.extend(_name_of(c) for c in containers)
            request.get.variable.extend(variables)
            request.get.sync = sync
            if nonblock:
                request.get.nonblock = True
        result = {}
        for entry in self._call(fill).get.list:
            values = {}
            for item in entry.keyval:
                if item.HasField('error') and item.error != rpc_pb2.Success:
                    values[item.variable] = exceptions.PortoException.Create(item.error, item.errorMsg)
                else:
                    values[item.variable] = _from_wire(item.value)
            result[entry.name] = values
        return result

    def GetProperty(self, name, key, sync=False):
        def fill(request):
            request.getProperty.name = _name_of(name)
            request.getProperty.property = key
            request.getProperty.sync = sync
        return _from_wire(self._call(fill).getProperty.value)

    def SetProperty(self, name, key, value):
        def fill(request):
            request.setProperty.name = _name_of(name)
            request.setProperty.property = key
            request.setProperty.value = _to_wire(value)
        self._call(fill)

    def Set(self, container, **properties):
        for key, value in properties.items():
            self.SetProperty(container, key, value)

    def GetData(self, name, data, sync=False):
        def fill(request):
            request.getData.name = _name_of(name)
            request.getData.data = data
            request.getData.sync = sync
        return _from_wire(self._call(fill).getData.value)

    def GetLabel(self, container, label):
        return self.GetProperty(container, label)

    def ContainerProperties(self):
        """{name: Property} for every container property the daemon knows."""
        response = self._call(lambda request: request.propertyList.SetInParent())
        return {p.name: Property(p.name, p.desc, p.read_only, p.dynamic) for p in response.propertyList.list}

    def Plist(self):
        return [p.name for p in self._call(lambda request: request.propertyList.SetInParent()).propertyList.list]

    def Dlist(self):
        return [d.name for d in self._call(lambda request: request.dataList.SetInParent()).dataList.list]

    def WaitContainers(self, containers, timeout=None, labels=None):
        """The name of the first of containers to be dead (or stopped); timeout in seconds."""
        if timeout is not None and timeout < 0:
            timeout = None

        def fill(request):
            request.wait.name.extend(_name_of(c) for c in containers)
            if timeout is not None:
                request.wait.timeout_ms = int(timeout * 1000)
            if labels is not None:
                request.wait.label.extend(labels)
        name = self._call(fill, timeout).wait.name
        if name == '':
            raise exceptions.WaitContainerTimeout('Timeout {} exceeded'.format(timeout))
        return name

    def Wait(self, containers, timeout=None, timeout_s=None, labels=None):
        """The old form of WaitContainers: timeout in milliseconds (or timeout_s), "" on timeout."""
        if timeout_s is not None:
            seconds = timeout_s
        elif timeout is not None and timeout >= 0:
            seconds = timeout / 1000.0
        else:
            seconds = None
        try:
            return self.WaitContainers(containers, seconds, labels=labels)
        except exceptions.WaitContainerTimeout:
            return ''

    def AsyncWait(self, containers, callback, timeout=None, labels=None):
        """Reports state changes of containers (names or masks) to callback(name=, state=, when=).

        The reports are read from the socket by this connection's later calls, as upstream's are.
        """
        request = rpc_pb2.TContainerRequest()
        request.AsyncWait.name.extend(_name_of(c) for c in containers)
        if timeout is not None:
            request.AsyncWait.timeout_ms = int(timeout * 1000)
        if labels is not None:
            request.AsyncWait.label.extend(labels)
        self.rpc.async_wait(request, callback)

    def CreateSpec(self, container, volume=None, start=False):
        """Creates a container from a TContainerSpec (rpc_pb2) with volume (TVolumeSpec, or a list),
        starting it when start."""
        def fill(request):
            request.CreateFromSpec.container.CopyFrom(container)
            for spec in (volume if isinstance(volume, (list, tuple)) else [volume] if volume else []):
                request.CreateFromSpec.volumes.add().CopyFrom(spec)
            request.CreateFromSpec.start = start
        self._call(fill)
        return Container(self, container.name)

    def SetSpec(self, spec):
        """Applies the fields set in a TContainerSpec to the container it names."""
        def fill(request):
            request.UpdateFromSpec.container.CopyFrom(spec)
        self._call(fill)

    def Version(self):
        """(tag, revision) of the daemon."""
        response = self._call(lambda request: request.version.SetInParent())
        return (response.version.tag, response.version.revision)

    # -- labels -------------------------------------------------------------------------------

    def FindLabel(self, label, mask=None, state=None, value=None):
        """[{name, state, label, value}] of the containers (matching mask) having label (a pattern)."""
        def fill(request):
            request.FindLabel.label = label
            _set_if(request.FindLabel, 'mask', mask)
            _set_if(request.FindLabel, 'state', state)
            _set_if(request.FindLabel, 'value', value)
        return [{'name': entry.name, 'state': entry.state, 'label': entry.label, 'value': entry.value}
                for entry in self._call(fill).FindLabel.list]

    def SetLabel(self, container, label, value, prev_value=None, state=None):
        """Sets (value "" removes) a label; Busy if prev_value is given and differs, InvalidState if
        state is given and differs."""
        def fill(request):
            request.SetLabel.name = _name_of(container)
            request.SetLabel.label = label
            request.SetLabel.value = value
            _set_if(request.SetLabel, 'prev_value', prev_value)
            _set_if(request.SetLabel, 'state', state)
        self._call(fill)

    def IncLabel(self, container, label, add=1):
        """Adds add to a numeric label (missing: 0) and returns the result."""
        def fill(request):
            request.IncLabel.name = _name_of(container)
            request.IncLabel.label = label
            request.IncLabel.add = add
        return self._call(fill).IncLabel.result

    def WaitLabels(self, containers, labels, timeout=None):
        """Waits for a change of one of labels (patterns) on containers: {when, name, state, label, value}."""
        if timeout is not None and timeout < 0:
            timeout = None

        def fill(request):
            request.wait.name.extend(_name_of(c) for c in containers)
            request.wait.label.extend(labels)
            if timeout is not None:
                request.wait.timeout_ms = int(timeout * 1000)
        wait = self._call(fill, timeout).wait
        if wait.name == '':
            raise exceptions.WaitContainerTimeout('Timeout {} exceeded'.format(timeout))
        return {'when': wait.when, 'name': wait.name, 'state': wait.state, 'label': wait.label, 'value': wait.value}

    # -- specs, paths and processes -----------------------------------------------------------

    def GetContainersSpecs(self, names):
        """TContainer (spec and status) of each container named (names or masks)."""
        def fill(request):
            request.ListContainersBy.SetInParent()
            for name in names:
                request.ListContainersBy.filters.add(name=_name_of(name))
        return list(self._call(fill).ListContainersBy.containers)

    def ListContainersBy(self, filters=None, properties=None):
        """TContainer of the containers matching filters ([{name, labels}]), with only properties when given."""
        def fill(request):
            command = request.ListContainersBy
            command.SetInParent()
            for entry in filters or [{'name': '***'}]:
                selected = command.filters.add(name=entry.get('name', '***'))
                for key, val in (entry.get('labels') or {}).items():
                    selected.labels.map.add(key=key, val=val)
            if properties is not None:
                command.field_options.properties.extend(properties)
        return list(self._call(fill).ListContainersBy.containers)

    def ConvertPath(self, path, source, destination):
        def fill(request):
            request.convertPath.path = path
            request.convertPath.source = _name_of(source)
            request.convertPath.destination = _name_of(destination)
        return self._call(fill).convertPath.path

    def SetSymlink(self, name, symlink, target):
        def fill(request):
            request.SetSymlink.container = _name_of(name)
            request.SetSymlink.symlink = symlink
            request.SetSymlink.target = target
        self._call(fill)

    def AttachProcess(self, name, pid, comm=''):
        def fill(request):
            request.attachProcess.name = _name_of(name)
            request.attachProcess.pid = pid
            request.attachProcess.comm = comm
        self._call(fill)

    def AttachThread(self, name, pid, comm=''):
        def fill(request):
            request.AttachThread.name = _name_of(name)
            request.AttachThread.pid = pid
            request.AttachThread.comm = comm
        self._call(fill)

    def LocateProcess(self, pid, comm=''):
        """The container the process pid belongs to."""
        def fill(request):
            request.locateProcess.pid = pid
            request.locateProcess.comm = comm
        return Container(self, self._call(fill).locateProcess.name)

    def Call(self, command_name, response_name=None, **kwargs):
        """Any request by its field name, arguments as fields (dicts and lists for messages and
        repeated ones); the answer's field (response_name, default the same name) as a dict."""
        def fill(request):
            command = getattr(request, command_name)
            command.SetInParent()
            _fill_message(command, kwargs)
        response = self._call(fill)
        field = response_name or command_name
        if field in response.DESCRIPTOR.fields_by_name and response.HasField(field):
            return _message_dict(getattr(response, field))
        return None

    def _container(self, name):
        return Container(self, name)
