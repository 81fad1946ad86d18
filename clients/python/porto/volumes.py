"""Volumes, layers and storages: the objects and the Connection methods for them, with upstream's names.

VolumeMethods is mixed into Connection; its methods send one request each through self._call.
"""

from . import exceptions
from . import rpc_pb2


def _text(value):
    """A property value as the wire carries it: booleans as "true"/"false"."""
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    return str(value)


_META_NUMBERS = ('space_limit', 'inode_limit', 'space_used', 'inode_used', 'space_available', 'inode_available')


def _set_if(message, field, value):
    if value is not None:
        setattr(message, field, value)


class Layer(object):
    """A layer in a place (None: the default /place) and what the daemon last said about it."""

    def __init__(self, conn, name, place=None, pb=None):
        self.conn = conn
        self.name = name
        self.place = place
        self.owner_user = None
        self.owner_group = None
        self.last_usage = None
        self.private_value = None
        if pb is not None:
            self.Update(pb)

    def Update(self, pb=None):
        if pb is None:
            pb = self.conn._ListLayers(self.place, self.name).layers[0]
        self.owner_user = pb.owner_user
        self.owner_group = pb.owner_group
        self.last_usage = pb.last_usage
        self.private_value = pb.private_value
        return self

    def __str__(self):
        return self.name

    def __repr__(self):
        return 'Layer `{}` at `{}`'.format(self.name, self.place or '/place')

    def Merge(self, tarball, private_value=None, timeout=None):
        self.conn.MergeLayer(self.name, tarball, place=self.place, private_value=private_value, timeout=timeout)

    def Remove(self, timeout=None):
        self.conn.RemoveLayer(self.name, place=self.place, timeout=timeout)

    def Export(self, tarball, compress=None, timeout=None):
        self.conn.ReExportLayer(self.name, tarball, place=self.place, compress=compress, timeout=timeout)

    def GetPrivate(self):
        return self.conn.GetLayerPrivate(self.name, place=self.place)

    def SetPrivate(self, private_value):
        self.conn.SetLayerPrivate(self.name, private_value, place=self.place)


class Storage(object):
    """A persistent storage of volumes in a place."""

    def __init__(self, conn, name, place=None, pb=None):
        self.conn = conn
        self.name = name
        self.place = place
        self.private_value = None
        self.owner_user = None
        self.owner_group = None
        self.last_usage = None
        if pb is not None:
            self.Update(pb)

    def Update(self, pb=None):
        if pb is None:
            pb = self.conn._ListStorages(self.place, self.name).storages[0]
        self.private_value = pb.private_value
        self.owner_user = pb.owner_user
        self.owner_group = pb.owner_group
        self.last_usage = pb.last_usage
        return self

    def __str__(self):
        return self.name

    def __repr__(self):
        return 'Storage `{}` at `{}`'.format(self.name, self.place or '/place')

    def Remove(self, timeout=None):
        self.conn.RemoveStorage(self.name, self.place, timeout=timeout)

    def Import(self, tarball, timeout=None):
        self.conn.ImportStorage(self.name, tarball, place=self.place, private_value=self.private_value,
                                timeout=timeout)
        self.Update()

    def Export(self, tarball, timeout=None):
        self.conn.ExportStorage(self.name, tarball, place=self.place, timeout=timeout)


class MetaStorage(object):
    """A meta storage: a directory of layers and storages in a place, with space and inode limits."""

    def __init__(self, conn, name, place=None, pb=None):
        self.conn = conn
        self.name = name
        self.place = place
        for field in ('private_value', 'owner_user', 'owner_group', 'last_usage') + _META_NUMBERS:
            setattr(self, field, None)
        if pb is not None:
            self.Update(pb)

    def Update(self, pb=None):
        if pb is None:
            pb = self.conn._ListStorages(self.place, self.name).meta_storages[0]
        for field in ('private_value', 'owner_user', 'owner_group', 'last_usage') + _META_NUMBERS:
            setattr(self, field, getattr(pb, field))
        return self

    def __str__(self):
        return self.name

    def __repr__(self):
        return 'MetaStorage `{}` at `{}`'.format(self.name, self.place or '/place')

    def Resize(self, private_value=None, space_limit=None, inode_limit=None):
        self.conn.ResizeMetaStorage(self.name, self.place, private_value, space_limit, inode_limit)
        self.Update()

    def Remove(self):
        self.conn.RemoveMetaStorage(self.name, self.place)

    def ListLayers(self):
        return self.conn.ListLayers(place=self.place, mask=self.name + '/*')

    def ListStorages(self):
        return self.conn.ListStorages(place=self.place, mask=self.name + '/*')

    def FindLayer(self, subname):
        return self.conn.FindLayer(self.name + '/' + subname, place=self.place)

    def FindStorage(self, subname):
        return self.conn.FindStorage(self.name + '/' + subname, place=self.place)


class VolumeLink(object):
    """One link of a volume into a container, mounted at target (None: not mounted)."""

    def __init__(self, volume, container, target, read_only, required):
        self.volume = volume
        self.container = container
        self.target = target
        self.read_only = read_only
        self.required = required

    def __repr__(self):
        return 'VolumeLink `{}` `{}` `{}`'.format(self.volume.path, self.container.name, self.target)

    def Unlink(self):
        self.volume.Unlink(self.container)


_VOLUME_NUMBERS = ('space_limit', 'inode_limit', 'space_used', 'inode_used', 'space_available',
                   'inode_available', 'space_guarantee', 'inode_guarantee')


class Volume(object):
    """A volume by its path; its attributes come from the daemon's last description (Update())."""

    def __init__(self, conn, path, pb=None):
        self.conn = conn
        self.path = path
        if pb is not None:
            self.Update(pb)

    def Update(self, pb=None):
        if pb is None:
            pb = self.conn._ListVolumes(path=self.path)[0]
        properties = {p.name: p.value for p in pb.properties}
        self.properties = properties
        self.containers = [self.conn._container(name) for name in pb.containers]
        self.place = properties.get('place')
        self.private = self.private_value = properties.get('private')
        self.id = properties.get('id')
        self.state = properties.get('state')
        self.backend = properties.get('backend')
        self.read_only = properties.get('read_only') == 'true'
        self.owner_user = properties.get('owner_user')
        self.owner_group = properties.get('owner_group')
        owner = properties.get('owner_container')
        self.owner_container = self.conn._container(owner) if owner else None
        self.layers = [Layer(self.conn, name, self.place) for name in properties.get('layers', '').split(';') if name]
        storage = properties.get('storage')
        # A storage by name lives in the place; one by path is just a directory.
        self.storage = Storage(self.conn, storage, self.place) if storage and not storage.startswith('/') else None
        for name in _VOLUME_NUMBERS:
            setattr(self, name, int(properties[name]) if properties.get(name, '') != '' else None)
        return self

    def __str__(self):
        return self.path

    def __repr__(self):
        return 'Volume `{}`'.format(self.path)

    def __getitem__(self, key):
        self.Update()
        return getattr(self, key)

    def __setitem__(self, key, value):
        self.Tune(**{key: value})
        self.Update()

    def GetProperties(self):
        return self.Update().properties

    def GetProperty(self, key):
        return self.Update().properties[key]

    def GetContainers(self):
        return self.Update().containers

    def GetLayers(self):
        return self.Update().layers

    def ListVolumeLinks(self):
        return self.conn.ListVolumeLinks(volume=self)

    def Link(self, container=None, target=None, read_only=False, required=False):
        self.conn.LinkVolume(self.path, container, target=target, read_only=read_only, required=required)

    def Unlink(self, container=None, strict=None, timeout=None):
        self.conn.UnlinkVolume(self.path, container, strict=strict, timeout=timeout)

    def Tune(self, **properties):
        self.conn.TuneVolume(self.path, **properties)

    def Export(self, tarball, compress=None, timeout=None):
        self.conn.ExportLayer(self.path, tarball, place=self.place, compress=compress, timeout=timeout)

    def Destroy(self, strict=None, timeout=None):
        self.conn.UnlinkVolume(self.path, '***', strict=strict, timeout=timeout)

    def Check(self):
        return self.conn.CheckVolume(self.path)


class VolumeMethods(object):
    """The volume, layer and storage requests of Connection."""

    def _disk(self, timeout):
        return timeout or self.disk_timeout

    # -- volumes ------------------------------------------------------------------------------

    def VolumeProperties(self):
        from .api import Property
        response = self._call(lambda request: request.listVolumeProperties.SetInParent())
        return {p.name: Property(p.name, p.desc, False, False) for p in response.volumePropertyList.properties}

    def Vlist(self):
        return list(self.VolumeProperties())

    def CreateVolume(self, path=None, image=None, layers=None, storage=None, private_value=None, timeout=None,
                     **properties):
        """Creates a volume (at path, or where the daemon chooses) and links it to the caller's container."""
        if image:
            properties['image'] = image
        elif layers:
            properties['layers'] = ';'.join(str(layer) for layer in layers)
        if storage is not None:
            properties['storage'] = str(storage)
        if private_value is not None:
            properties['private'] = private_value

        def fill(request):
            request.createVolume.SetInParent()
            if path:
                request.createVolume.path = path
            for name, value in properties.items():
                request.createVolume.properties.add(name=name, value=_text(value))
        description = self._call(fill, self._disk(timeout)).volumeDescription
        return Volume(self, description.path, description)

    def FindVolume(self, path):
        return Volume(self, path, self._ListVolumes(path=path)[0])

    def LinkVolume(self, path, container, target=None, read_only=False, required=False):
        def fill(request):
            # Upstream sends a link with a target or required through the newer request.
            command = request.LinkVolumeTarget if target is not None or required else request.linkVolume
            command.path = str(path)
            if container is not None:  # None: the caller's own container
                command.container = str(container)
            _set_if(command, 'target', target)
            if read_only:
                command.read_only = True
            if required:
                command.required = True
        self._call(fill)

    def UnlinkVolume(self, path, container=None, target=None, strict=None, timeout=None):
        """Unlinks from container (None: the caller's, "***": every one); the last unlink destroys it."""
        def fill(request):
            command = request.UnlinkVolumeTarget if target is not None else request.unlinkVolume
            command.path = str(path)
            if container:
                command.container = str(container)
            _set_if(command, 'target', target)
            _set_if(command, 'strict', strict)
        self._call(fill, self._disk(timeout))

    def DestroyVolume(self, volume, strict=None, timeout=None):
        self.UnlinkVolume(str(volume), '***', strict=strict, timeout=timeout)

    def _ListVolumes(self, path=None, container=None):
        def fill(request):
            request.listVolumes.SetInParent()
            if path:
                request.listVolumes.path = str(path)
            if container:
                request.listVolumes.container = str(container)
        return self._call(fill).volumeList.volumes

    def ListVolumes(self, path=None, container=None):
        return [Volume(self, v.path, v) for v in self._ListVolumes(path=path, container=container)]

    def ListVolumeLinks(self, volume=None, container=None):
        links = []
        for description in self._ListVolumes(path=volume, container=container):
            owner = Volume(self, description.path, description)
            for link in description.links:
                links.append(VolumeLink(owner, self._container(link.container), link.target or None,
                                        link.read_only, link.required))
        return links

    def GetVolumeProperties(self, path):
        return {p.name: p.value for p in self._ListVolumes(path=path)[0].properties}

    def TuneVolume(self, path, **properties):
        def fill(request):
            request.tuneVolume.path = str(path)
            for name, value in properties.items():
                request.tuneVolume.properties.add(name=name, value=_text(value))
        self._call(fill)

    def CheckVolume(self, path):
        def fill(request):
            request.checkVolume.path = str(path)
        return self._call(fill, self.disk_timeout).checkVolume.message

    # -- layers -------------------------------------------------------------------------------

    def _import_layer(self, layer, tarball, merge, place, private_value, container, timeout, verbose_error):
        def fill(request):
            command = request.importLayer
            command.layer = layer
            command.tarball = tarball
            command.merge = merge
            if verbose_error:
                command.verbose_error = True
            _set_if(command, 'place', place)
            _set_if(command, 'private_value', private_value)
            if container:
                command.container = str(container)
        self._call(fill, self._disk(timeout))
        return Layer(self, layer, place)

    def ImportLayer(self, layer, tarball, place=None, private_value=None, container=None, timeout=None,
                    verbose_error=False):
        return self._import_layer(layer, tarball, False, place, private_value, container, timeout, verbose_error)

    def MergeLayer(self, layer, tarball, place=None, private_value=None, timeout=None):
        return self._import_layer(layer, tarball, True, place, private_value, None, timeout, False)

    def RemoveLayer(self, layer, place=None, timeout=None, asynchronous=False):
        def fill(request):
            request.removeLayer.layer = str(layer)
            _set_if(request.removeLayer, 'place', place)
            if asynchronous:
                setattr(request.removeLayer, 'async', True)  # a Python keyword, so no attribute syntax
        self._call(fill, self._disk(timeout))

    def GetLayerPrivate(self, layer, place=None):
        def fill(request):
            request.getlayerprivate.layer = str(layer)
            _set_if(request.getlayerprivate, 'place', place)
        return self._call(fill).layer_private.private_value

    def SetLayerPrivate(self, layer, private_value, place=None):
        def fill(request):
            request.setlayerprivate.layer = str(layer)
            request.setlayerprivate.private_value = private_value
            _set_if(request.setlayerprivate, 'place', place)
        self._call(fill)

    def ExportLayer(self, volume, tarball, place=None, compress=None, timeout=None):
        """Writes the upper layer of an overlay volume to tarball."""
        def fill(request):
            request.exportLayer.volume = str(volume)
            request.exportLayer.tarball = tarball
            _set_if(request.exportLayer, 'place', place)
            _set_if(request.exportLayer, 'compress', compress)
        self._call(fill, self._disk(timeout))

    def ReExportLayer(self, layer, tarball, place=None, compress=None, timeout=None):
        """Writes a stored layer to tarball."""
        def fill(request):
            request.exportLayer.volume = ''
            request.exportLayer.layer = str(layer)
            request.exportLayer.tarball = tarball
            _set_if(request.exportLayer, 'place', place)
            _set_if(request.exportLayer, 'compress', compress)
        self._call(fill, self._disk(timeout))

    def _ListLayers(self, place=None, mask=None):
        def fill(request):
            request.listLayers.SetInParent()
            _set_if(request.listLayers, 'place', place)
            _set_if(request.listLayers, 'mask', mask)
        return self._call(fill).layers

    def ListLayers(self, place=None, mask=None):
        response = self._ListLayers(place, mask)
        if response.layers:
            return [Layer(self, layer.name, place, layer) for layer in response.layers]
        return [Layer(self, name, place) for name in response.layer]

    def FindLayer(self, layer, place=None):
        response = self._ListLayers(place, layer)
        for description in response.layers:
            if description.name == layer:
                return Layer(self, layer, place, description)
        if layer in response.layer:
            return Layer(self, layer, place)
        raise exceptions.LayerNotFound('layer `{}` not found'.format(layer))

    # -- storages -----------------------------------------------------------------------------

    def _ListStorages(self, place=None, mask=None):
        def fill(request):
            request.listStorage.SetInParent()
            _set_if(request.listStorage, 'place', place)
            _set_if(request.listStorage, 'mask', mask)
        return self._call(fill).storageList

    def ListStorages(self, place=None, mask=None):
        return [Storage(self, s.name, place, s) for s in self._ListStorages(place, mask).storages]

    ListStorage = ListStorages  # the older name

    def FindStorage(self, name, place=None):
        for description in self._ListStorages(place, name).storages:
            if description.name == name:
                return Storage(self, name, place, description)
        raise exceptions.VolumeNotFound('storage `{}` not found'.format(name))

    def RemoveStorage(self, name, place=None, timeout=None):
        def fill(request):
            request.removeStorage.name = str(name)
            _set_if(request.removeStorage, 'place', place)
        self._call(fill, self._disk(timeout))

    def ImportStorage(self, name, tarball, place=None, private_value=None, timeout=None):
        def fill(request):
            request.importStorage.name = str(name)
            request.importStorage.tarball = tarball
            _set_if(request.importStorage, 'place', place)
            _set_if(request.importStorage, 'private_value', private_value)
        self._call(fill, self._disk(timeout))
        return Storage(self, name, place)

    def ExportStorage(self, name, tarball, place=None, timeout=None):
        def fill(request):
            request.exportStorage.name = str(name)
            request.exportStorage.tarball = tarball
            _set_if(request.exportStorage, 'place', place)
        self._call(fill, self._disk(timeout))

    def ListMetaStorages(self, place=None, mask=None):
        return [MetaStorage(self, s.name, place, s) for s in self._ListStorages(place, mask).meta_storages]

    def FindMetaStorage(self, name, place=None):
        for description in self._ListStorages(place, name).meta_storages:
            if description.name == name:
                return MetaStorage(self, name, place, description)
        raise exceptions.VolumeNotFound('meta storage `{}` not found'.format(name))

    def _meta_storage(self, command, name, place, private_value, space_limit, inode_limit):
        def fill(request):
            message = getattr(request, command)
            message.name = name
            _set_if(message, 'place', place)
            _set_if(message, 'private_value', private_value)
            _set_if(message, 'space_limit', space_limit)
            _set_if(message, 'inode_limit', inode_limit)
        self._call(fill)

    def CreateMetaStorage(self, name, place=None, private_value=None, space_limit=None, inode_limit=None):
        self._meta_storage('CreateMetaStorage', name, place, private_value, space_limit, inode_limit)
        return MetaStorage(self, name, place)

    def ResizeMetaStorage(self, name, place=None, private_value=None, space_limit=None, inode_limit=None):
        self._meta_storage('ResizeMetaStorage', name, place, private_value, space_limit, inode_limit)

    def RemoveMetaStorage(self, name, place=None):
        self._meta_storage('RemoveMetaStorage', name, place, None, None, None)

    # -- volumes as TVolumeSpec (dicts of its fields) -------------------------------------------

    def NewVolume(self, spec, timeout=None):
        """Creates a volume from a dict of TVolumeSpec fields; returns its spec as a dict."""
        from .api import _fill_message, _message_dict

        def fill(request):
            request.NewVolume.volume.SetInParent()
            _fill_message(request.NewVolume.volume, spec)
        return _message_dict(self._call(fill, self._disk(timeout)).NewVolume.volume)

    def GetVolume(self, path, container=None, timeout=None):
        return self.GetVolumes([path], container, timeout)[0]

    def GetVolumes(self, paths=None, container=None, timeout=None):
        from .api import _message_dict

        def fill(request):
            request.GetVolume.SetInParent()
            if container is not None:
                request.GetVolume.container = str(container)
            request.GetVolume.path.extend(paths or [])
        return [_message_dict(volume) for volume in self._call(fill, self._disk(timeout)).GetVolume.volume]

    # -- docker images (the daemon answers these once it serves them) --------------------------

    def DockerImageStatus(self, name=None, place=None):
        def fill(request):
            request.dockerImageStatus.name = name
            _set_if(request.dockerImageStatus, 'place', place)
        return self._call(fill).dockerImageStatus.image

    def ListDockerImages(self, place=None, mask=None):
        def fill(request):
            request.listDockerImages.SetInParent()
            _set_if(request.listDockerImages, 'place', place)
            _set_if(request.listDockerImages, 'mask', mask)
        return self._call(fill).listDockerImages.images

    def PullDockerImage(self, name, place=None, auth_token=None, auth_path=None, auth_service=None):
        def fill(request):
            command = request.pullDockerImage
            command.name = name
            _set_if(command, 'place', place)
            _set_if(command, 'auth_token', auth_token)
            _set_if(command, 'auth_path', auth_path)
            _set_if(command, 'auth_service', auth_service)
        return self._call(fill, self.disk_timeout).pullDockerImage.image

    def RemoveDockerImage(self, name, place=None):
        def fill(request):
            request.removeDockerImage.name = name
            _set_if(request.removeDockerImage, 'place', place)
        self._call(fill)
