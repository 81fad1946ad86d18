// The four-client scenario in Go (see clients/scenario/README.md): prints the transcript that
// clients/scenario/run.py compares.
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/yandex/porto/src/api/go/porto"
	"github.com/yandex/porto/src/api/go/porto/pkg/rpc"
	"google.golang.org/protobuf/proto"
)

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "scenario:", err)
		os.Exit(1)
	}
}

func errorName(err error) string {
	if err == nil {
		return "no error"
	}
	if code := porto.ErrorCode(err); code != rpc.EError_Success {
		return code.String()
	}
	return "not a Porto error: " + err.Error()
}

func get(api porto.API, name, property string) string {
	value, err := api.GetProperty(name, property)
	check(err)
	return value
}

func main() {
	api, err := porto.ConnectSocket(os.Getenv("PORTO_SOCKET"))
	check(err)
	defer api.Close()

	_, _, err = api.GetVersion()
	check(err)
	fmt.Println("version: ok")
	check(api.Create("scn"))
	fmt.Println("create scn: ok")
	check(api.SetProperty("scn", "command", "sh -c 'echo scenario-out; exit 5'"))
	fmt.Println("set command: ok")
	check(api.Start("scn"))
	fmt.Println("start: ok")
	dead, err := api.Wait([]string{"scn"}, time.Minute)
	check(err)
	fmt.Println("wait:", dead)
	fmt.Println("stdout:", strings.TrimRight(get(api, "scn", "stdout"), "\n"))
	fmt.Println("exit_status:", get(api, "scn", "exit_status"))
	fmt.Println("state:", get(api, "scn", "state"))
	check(api.Create("scn-a"))
	check(api.Create("scn-b"))
	fmt.Println("create scn-a scn-b: ok")
	names, err := api.List1("scn-*")
	check(err)
	sort.Strings(names)
	fmt.Println("list scn-*:", strings.Join(names, " "))
	names, err = api.List1("scn")
	check(err)
	fmt.Println("list scn:", strings.Join(names, " "))
	_, err = api.GetProperty("scn-missing", "state")
	fmt.Println("missing:", errorName(err))
	fmt.Println("bad value:", errorName(api.SetProperty("scn", "memory_limit", "plenty")))
	labelAndVolumeSteps(api)
	for _, name := range []string{"scn", "scn-a", "scn-b"} {
		check(api.Destroy(name))
	}
	fmt.Println("destroy: ok")
	_, err = api.GetProperty("scn", "state")
	fmt.Println("after destroy:", errorName(err))
}

func labelAndVolumeSteps(api porto.API) {
	check(api.SetLabel("scn", "TEST.step", "one", ""))
	fmt.Println("set label: ok")
	entries, err := api.FindLabel("scn*", "TEST.step", "", "")
	check(err)
	var found []string
	for _, entry := range entries {
		found = append(found, entry.Name+" "+entry.Label+"="+entry.Value)
	}
	fmt.Println("find label:", strings.Join(found, " "))
	count, err := api.IncLabel("scn", "TEST.count", 2)
	check(err)
	fmt.Println("inc label:", count)
	containers, err := api.ListContainersBy(&rpc.TListContainersRequest{
		Filters: []*rpc.TListContainersFilter{{Name: proto.String("scn*"), Labels: &rpc.TStringMap{
			Map: []*rpc.TStringMap_TStringMapEntry{{Key: proto.String("TEST.step"), Val: proto.String("one")}}}}},
		FieldOptions: &rpc.TListContainersFieldOptions{Properties: []string{"state"}},
	})
	check(err)
	var selected []string
	for _, container := range containers {
		selected = append(selected, container.GetSpec().GetName())
	}
	fmt.Println("list by label:", strings.Join(selected, " "))
	check(api.ImportLayer("scn-layer", os.Getenv("PORTO_SCENARIO_TARBALL"), false))
	fmt.Println("import layer: ok")
	volume, err := api.CreateVolume("", map[string]string{"backend": "overlay", "layers": "scn-layer"})
	check(err)
	greeting, err := os.Open(filepath.Join(volume.Path, "greeting"))
	check(err)
	line, err := bufio.NewReader(greeting).ReadString('\n')
	check(err)
	greeting.Close()
	fmt.Println("volume greeting:", strings.TrimRight(line, "\n"))
	volumes, err := api.ListVolumes(volume.Path, "")
	check(err)
	fmt.Println("volume layers:", volumes[0].Properties["layers"])
	check(api.UnlinkVolume3(volume.Path, "***", "", false))
	fmt.Println("destroy volume: ok")
	check(api.RemoveLayer("scn-layer"))
	fmt.Println("remove layer: ok")
	fmt.Println("missing layer:", errorName(api.RemoveLayer("scn-layer")))
}
