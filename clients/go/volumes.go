package porto

import (
	"sort"

	"github.com/yandex/porto/src/api/go/porto/pkg/rpc"
)

// volumeProperties turns a config map into the wire's list, in name order so requests are repeatable.
func volumeProperties(config map[string]string) []*rpc.TVolumeProperty {
	names := make([]string, 0, len(config))
	for name := range config {
		names = append(names, name)
	}
	sort.Strings(names)
	properties := make([]*rpc.TVolumeProperty, 0, len(names))
	for _, name := range names {
		name, value := name, config[name]
		properties = append(properties, &rpc.TVolumeProperty{Name: &name, Value: &value})
	}
	return properties
}

func volumeDescription(volume *rpc.TVolumeDescription) TVolumeDescription {
	description := TVolumeDescription{
		Path:       volume.GetPath(),
		Properties: make(map[string]string, len(volume.GetProperties())),
		Containers: append([]string(nil), volume.GetContainers()...),
	}
	for _, property := range volume.GetProperties() {
		description.Properties[property.GetName()] = property.GetValue()
	}
	return description
}

func (c *client) ListVolumeProperties() ([]TProperty, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{ListVolumeProperties: &rpc.TVolumePropertyListRequest{}})
	if err != nil {
		return nil, err
	}
	var properties []TProperty
	for _, property := range rsp.GetVolumePropertyList().GetProperties() {
		properties = append(properties, TProperty{Name: property.GetName(), Description: property.GetDesc()})
	}
	return properties, nil
}

// CreateVolume creates a volume at path ("": the daemon picks one) with the properties of config and
// links it to the calling container.
func (c *client) CreateVolume(path string, config map[string]string) (TVolumeDescription, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{CreateVolume: &rpc.TVolumeCreateRequest{
		Path: optional(path), Properties: volumeProperties(config)}})
	if err != nil {
		return TVolumeDescription{}, err
	}
	return volumeDescription(rsp.GetVolumeDescription()), nil
}

func (c *client) TuneVolume(path string, config map[string]string) error {
	_, err := c.Call(&rpc.TContainerRequest{TuneVolume: &rpc.TVolumeTuneRequest{
		Path: &path, Properties: volumeProperties(config)}})
	return err
}

// LinkVolume links a volume to container ("": the caller's own), mounted at target when it is not empty.
func (c *client) LinkVolume(path string, container string, target string, required bool, readOnly bool) error {
	_, err := c.Call(&rpc.TContainerRequest{LinkVolume: &rpc.TVolumeLinkRequest{
		Path: &path, Container: &container, Target: &target, Required: &required, ReadOnly: &readOnly}})
	return err
}

func (c *client) UnlinkVolume(path string, container string, target string) error {
	return c.UnlinkVolume3(path, container, target, false)
}

// UnlinkVolume3 unlinks a volume from container ("": the caller's, "***": every one); the last unlink
// destroys the volume. strict: fail instead of unmounting lazily when the target is busy.
func (c *client) UnlinkVolume3(path string, container string, target string, strict bool) error {
	_, err := c.Call(&rpc.TContainerRequest{UnlinkVolume: &rpc.TVolumeUnlinkRequest{
		Path: &path, Container: optional(container), Target: &target, Strict: &strict}})
	return err
}

// ListVolumes lists the volumes, only the one at path and those linked to container when they are not empty.
func (c *client) ListVolumes(path string, container string) ([]TVolumeDescription, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{ListVolumes: &rpc.TVolumeListRequest{
		Path: optional(path), Container: optional(container)}})
	if err != nil {
		return nil, err
	}
	var volumes []TVolumeDescription
	for _, volume := range rsp.GetVolumeList().GetVolumes() {
		volumes = append(volumes, volumeDescription(volume))
	}
	return volumes, nil
}

func (c *client) ImportLayer(layer string, tarball string, merge bool) error {
	return c.ImportLayer4(layer, tarball, merge, "", "")
}

// ImportLayer4 imports a tarball as a layer in place ("": the default one); merge adds to an existing layer.
func (c *client) ImportLayer4(layer string, tarball string, merge bool, place string, privateValue string) error {
	_, err := c.Call(&rpc.TContainerRequest{ImportLayer: &rpc.TLayerImportRequest{
		Layer: &layer, Tarball: &tarball, Merge: &merge, Place: optional(place), PrivateValue: &privateValue}})
	return err
}

// ExportLayer writes the upper layer of an overlay volume to tarball.
func (c *client) ExportLayer(volume string, tarball string) error {
	_, err := c.Call(&rpc.TContainerRequest{ExportLayer: &rpc.TLayerExportRequest{Volume: &volume, Tarball: &tarball}})
	return err
}

func (c *client) RemoveLayer(layer string) error {
	return c.RemoveLayer2(layer, "")
}

func (c *client) RemoveLayer2(layer string, place string) error {
	_, err := c.Call(&rpc.TContainerRequest{RemoveLayer: &rpc.TLayerRemoveRequest{Layer: &layer, Place: optional(place)}})
	return err
}

// ListLayers lists the names of the layers in the default place.
func (c *client) ListLayers() ([]string, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{ListLayers: &rpc.TLayerListRequest{}})
	if err != nil {
		return nil, err
	}
	return rsp.GetLayers().GetLayer(), nil
}

func (c *client) ListLayers2(place string, mask string) ([]TLayerDescription, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{ListLayers: &rpc.TLayerListRequest{
		Place: optional(place), Mask: optional(mask)}})
	if err != nil {
		return nil, err
	}
	var layers []TLayerDescription
	for _, layer := range rsp.GetLayers().GetLayers() {
		layers = append(layers, TLayerDescription{Name: layer.GetName(), OwnerUser: layer.GetOwnerUser(),
			OwnerGroup: layer.GetOwnerGroup(), LastUsage: layer.GetLastUsage(), PrivateValue: layer.GetPrivateValue()})
	}
	return layers, nil
}

func (c *client) GetLayerPrivate(layer string, place string) (string, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{Getlayerprivate: &rpc.TLayerGetPrivateRequest{
		Layer: &layer, Place: optional(place)}})
	if err != nil {
		return "", err
	}
	return rsp.GetLayerPrivate().GetPrivateValue(), nil
}

func (c *client) SetLayerPrivate(layer string, place string, privateValue string) error {
	_, err := c.Call(&rpc.TContainerRequest{Setlayerprivate: &rpc.TLayerSetPrivateRequest{
		Layer: &layer, Place: optional(place), PrivateValue: &privateValue}})
	return err
}

func (c *client) ListStorage(place string, mask string) ([]TStorageDescription, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{ListStorage: &rpc.TStorageListRequest{
		Place: optional(place), Mask: optional(mask)}})
	if err != nil {
		return nil, err
	}
	var storages []TStorageDescription
	for _, storage := range rsp.GetStorageList().GetStorages() {
		storages = append(storages, TStorageDescription{Name: storage.GetName(), OwnerUser: storage.GetOwnerUser(),
			OwnerGroup: storage.GetOwnerGroup(), LastUsage: storage.GetLastUsage(), PrivateValue: storage.GetPrivateValue()})
	}
	return storages, nil
}

func (c *client) RemoveStorage(name string, place string) error {
	_, err := c.Call(&rpc.TContainerRequest{RemoveStorage: &rpc.TStorageRemoveRequest{Name: &name, Place: optional(place)}})
	return err
}

// ConvertPath translates path as seen from container src into the path seen from container dest.
func (c *client) ConvertPath(path string, src string, dest string) (string, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{ConvertPath: &rpc.TConvertPathRequest{
		Path: &path, Source: &src, Destination: &dest}})
	if err != nil {
		return "", err
	}
	return rsp.GetConvertPath().GetPath(), nil
}

// AttachProcess moves process pid (whose name must be comm when comm is not empty) into container name.
func (c *client) AttachProcess(name string, pid uint32, comm string) error {
	_, err := c.Call(&rpc.TContainerRequest{AttachProcess: &rpc.TAttachProcessRequest{Name: &name, Pid: &pid, Comm: &comm}})
	return err
}

func (c *client) DockerImageStatus(name, place string) (*rpc.TDockerImage, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{DockerImageStatus: &rpc.TDockerImageStatusRequest{
		Name: &name, Place: optional(place)}})
	if err != nil {
		return nil, err
	}
	return rsp.GetDockerImageStatus().GetImage(), nil
}

func (c *client) ListDockerImages(place, mask string) ([]*rpc.TDockerImage, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{ListDockerImages: &rpc.TDockerImageListRequest{
		Place: optional(place), Mask: optional(mask)}})
	if err != nil {
		return nil, err
	}
	return rsp.GetListDockerImages().GetImages(), nil
}

func (c *client) PullDockerImage(name, place, authToken, authPath, authService string) (*rpc.TDockerImage, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{PullDockerImage: &rpc.TDockerImagePullRequest{
		Name: &name, Place: optional(place), AuthToken: optional(authToken),
		AuthPath: optional(authPath), AuthService: optional(authService)}})
	if err != nil {
		return nil, err
	}
	return rsp.GetPullDockerImage().GetImage(), nil
}

func (c *client) RemoveDockerImage(name, place string) error {
	_, err := c.Call(&rpc.TContainerRequest{RemoveDockerImage: &rpc.TDockerImageRemoveRequest{
		Name: &name, Place: optional(place)}})
	return err
}
