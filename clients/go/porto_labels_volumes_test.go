package porto

// Labels, volumes and layers through the client, against the private portod.

import (
	"archive/tar"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/yandex/porto/src/api/go/porto/pkg/rpc"
	"google.golang.org/protobuf/proto"
)

func TestLabelsSetFindIncrementAndFilterListContainersBy(t *testing.T) {
	api := connect(t)
	create(t, api, "go-label-a")
	create(t, api, "go-label-b")
	must(t, api.SetLabel("go-label-a", "TEST.color", "blue", ""))
	must(t, api.SetLabel("go-label-b", "TEST.color", "red", ""))
	expectCode(t, api.SetLabel("go-label-a", "TEST.color", "green", "red"), rpc.EError_Busy)
	entries, err := api.FindLabel("go-label-*", "TEST.color", "", "blue")
	must(t, err)
	want := []TLabelEntry{{Name: "go-label-a", State: "stopped", Label: "TEST.color", Value: "blue"}}
	if !reflect.DeepEqual(entries, want) {
		t.Fatalf("FindLabel %v", entries)
	}
	count, err := api.IncLabel("go-label-a", "TEST.count", 2)
	must(t, err)
	if count != 2 {
		t.Fatalf("IncLabel gave %d", count)
	}
	containers, err := api.ListContainersBy(&rpc.TListContainersRequest{
		Filters: []*rpc.TListContainersFilter{{Name: proto.String("go-label-*"), Labels: &rpc.TStringMap{
			Map: []*rpc.TStringMap_TStringMapEntry{{Key: proto.String("TEST.color"), Val: proto.String("red")}}}}},
		FieldOptions: &rpc.TListContainersFieldOptions{Properties: []string{"state"}},
	})
	must(t, err)
	if len(containers) != 1 || containers[0].GetSpec().GetName() != "go-label-b" ||
		containers[0].GetStatus().GetState() != "stopped" {
		t.Fatalf("ListContainersBy %v", containers)
	}
}

// writeTarball makes a layer tarball holding one file.
func writeTarball(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "layer.tar")
	file, err := os.Create(path)
	must(t, err)
	writer := tar.NewWriter(file)
	must(t, writer.WriteHeader(&tar.Header{Name: name, Mode: 0644, Size: int64(len(content)),
		Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}))
	_, err = writer.Write([]byte(content))
	must(t, err)
	must(t, writer.Close())
	must(t, file.Close())
	return path
}

func TestVolumeWithALayer(t *testing.T) {
	api := connect(t)
	must(t, api.ImportLayer("go-layer", writeTarball(t, "greeting", "hello from a layer\n"), false))
	t.Cleanup(func() { _ = api.RemoveLayer("go-layer") })
	layers, err := api.ListLayers2("", "go-layer")
	must(t, err)
	if len(layers) != 1 || layers[0].Name != "go-layer" {
		t.Fatalf("ListLayers2 %v", layers)
	}
	volume, err := api.CreateVolume("", map[string]string{"layers": "go-layer", "backend": "overlay"})
	must(t, err)
	content, err := os.ReadFile(filepath.Join(volume.Path, "greeting"))
	must(t, err)
	if string(content) != "hello from a layer\n" {
		t.Fatalf("greeting %q", content)
	}
	listed, err := api.ListVolumes(volume.Path, "")
	must(t, err)
	if len(listed) != 1 || listed[0].Properties["layers"] != "go-layer" {
		t.Fatalf("ListVolumes %v", listed)
	}
	create(t, api, "go-volume-user")
	must(t, api.LinkVolume(volume.Path, "go-volume-user", "", false, false))
	must(t, api.UnlinkVolume(volume.Path, "go-volume-user", ""))
	must(t, api.UnlinkVolume(volume.Path, "", ""))
	_, err = api.ListVolumes(volume.Path, "")
	expectCode(t, err, rpc.EError_VolumeNotFound)
	expectCode(t, api.RemoveLayer("go-missing-layer"), rpc.EError_LayerNotFound)
}

func TestAProgramWrittenForUpstreamsAPIUsesLayersAndVolumesUnchanged(t *testing.T) {
	out := runUpstreamProgram(t, "upstream-volumes", writeTarball(t, "greeting", "hello from a layer\n"))
	want := "layer listed\ngreeting: hello from a layer\nlinked volumes: 1\nafter unlink: VolumeNotFound\n" +
		"remove again: LayerNotFound\n"
	if out != want {
		t.Fatalf("the program printed\n%s\nwanted\n%s", out, want)
	}
}
