// A program written for upstream Porto's Go API that uses layers and volumes, nothing but upstream's
// names: its argument is a layer tarball holding the file "greeting". The tests build it and run it
// unchanged against the test daemon.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/yandex/porto/src/api/go/porto"
	"github.com/yandex/porto/src/api/go/porto/pkg/rpc"
)

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func code(err error) string {
	var portoError *porto.Error
	if errors.As(err, &portoError) {
		return rpc.EError_name[int32(portoError.Code)]
	}
	return fmt.Sprint(err)
}

func main() {
	api, err := porto.Connect()
	check(err)
	defer api.Close()

	check(api.ImportLayer("go-upstream-layer", os.Args[1], false))
	layers, err := api.ListLayers()
	check(err)
	for _, layer := range layers {
		if layer == "go-upstream-layer" {
			fmt.Println("layer listed")
		}
	}
	volume, err := api.CreateVolume("", map[string]string{"layers": "go-upstream-layer", "backend": "overlay"})
	check(err)
	greeting, err := os.ReadFile(filepath.Join(volume.Path, "greeting"))
	check(err)
	fmt.Println("greeting:", strings.TrimSpace(string(greeting)))
	check(api.Create("go-upstream-volumes"))
	check(api.LinkVolume(volume.Path, "go-upstream-volumes", "", false, false))
	volumes, err := api.ListVolumes("", "go-upstream-volumes")
	check(err)
	fmt.Println("linked volumes:", len(volumes))
	check(api.UnlinkVolume(volume.Path, "go-upstream-volumes", ""))
	check(api.UnlinkVolume(volume.Path, "", ""))
	_, err = api.ListVolumes(volume.Path, "")
	fmt.Println("after unlink:", code(err))
	check(api.RemoveLayer("go-upstream-layer"))
	fmt.Println("remove again:", code(api.RemoveLayer("go-upstream-layer")))
	check(api.Destroy("go-upstream-volumes"))
}
