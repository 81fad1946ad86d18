package porto

// These tests talk to a real portod: PORTO_SOCKET names its socket (clients/testing/private_portod.py
// starts a private one and sets it; see README.md).

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yandex/porto/src/api/go/porto/pkg/rpc"
	"google.golang.org/protobuf/proto"
)

func connect(t *testing.T) API {
	t.Helper()
	socket := os.Getenv("PORTO_SOCKET")
	if socket == "" {
		t.Fatal("PORTO_SOCKET names no daemon: run the tests through clients/testing/private_portod.py")
	}
	api, err := ConnectSocket(socket)
	if err != nil {
		t.Fatalf("connect to %s: %v", socket, err)
	}
	t.Cleanup(func() { _ = api.Close() })
	return api
}

// create makes a container that is destroyed when the test ends.
func create(t *testing.T, api API, name string) {
	t.Helper()
	if err := api.Create(name); err != nil {
		t.Fatalf("Create %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := api.Destroy(name); err != nil && ErrorCode(err) != rpc.EError_ContainerDoesNotExist {
			t.Errorf("Destroy %s: %v", name, err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func expectCode(t *testing.T, err error, code rpc.EError) {
	t.Helper()
	var portoError *Error
	if !errors.As(err, &portoError) {
		t.Fatalf("expected Porto error %v, got %v", code, err)
	}
	if portoError.Code != code {
		t.Fatalf("expected Porto error %v, got %v (%s)", code, portoError.Code, portoError.Message)
	}
	if portoError.Message == "" {
		t.Fatalf("Porto error %v without a message", code)
	}
}

func property(t *testing.T, api API, name, key string) string {
	t.Helper()
	value, err := api.GetProperty(name, key)
	if err != nil {
		t.Fatalf("GetProperty %s %s: %v", name, key, err)
	}
	return value
}

func TestVersion(t *testing.T) {
	tag, _, err := connect(t).GetVersion()
	must(t, err)
	if tag == "" {
		t.Fatal("empty version tag")
	}
}

func TestRunWaitAndReadStdoutAndExitStatus(t *testing.T) {
	api := connect(t)
	create(t, api, "go-run")
	must(t, api.SetProperty("go-run", "command", "sh -c 'echo hello; exit 3'"))
	must(t, api.Start("go-run"))
	dead, err := api.Wait([]string{"go-run"}, time.Minute)
	must(t, err)
	if dead != "go-run" {
		t.Fatalf("Wait returned %q", dead)
	}
	if got := property(t, api, "go-run", "stdout"); got != "hello\n" {
		t.Fatalf("stdout %q", got)
	}
	if got := property(t, api, "go-run", "exit_status"); got != "768" {
		t.Fatalf("exit_status %q", got)
	}
	if got := property(t, api, "go-run", "state"); got != "dead" {
		t.Fatalf("state %q", got)
	}
}

func TestMissingContainerIsContainerDoesNotExist(t *testing.T) {
	api := connect(t)
	_, err := api.GetProperty("go-missing", "state")
	expectCode(t, err, rpc.EError_ContainerDoesNotExist)
	expectCode(t, api.Destroy("go-missing"), rpc.EError_ContainerDoesNotExist)
	if !strings.HasPrefix(err.Error(), "ContainerDoesNotExist: ") {
		t.Fatalf("error text %q", err.Error())
	}
}

func TestBadValueIsInvalidValueAndUnknownPropertyInvalidProperty(t *testing.T) {
	api := connect(t)
	create(t, api, "go-bad")
	expectCode(t, api.SetProperty("go-bad", "memory_limit", "plenty"), rpc.EError_InvalidValue)
	expectCode(t, api.SetProperty("go-bad", "no_such_property", "1"), rpc.EError_InvalidProperty)
	expectCode(t, api.Create("go-bad"), rpc.EError_ContainerAlreadyExists)
}

func TestListWithMask(t *testing.T) {
	api := connect(t)
	for _, name := range []string{"go-list-b", "go-list-a", "go-other"} {
		create(t, api, name)
	}
	names, err := api.List1("go-list-*")
	must(t, err)
	sort.Strings(names)
	if !reflect.DeepEqual(names, []string{"go-list-a", "go-list-b"}) {
		t.Fatalf("List1 %v", names)
	}
	all, err := api.List()
	must(t, err)
	if len(all) < 3 {
		t.Fatalf("List %v", all)
	}
}

func TestGetManyValuesAndTheirErrors(t *testing.T) {
	api := connect(t)
	create(t, api, "go-get")
	must(t, api.SetProperty("go-get", "command", "true"))
	values, err := api.Get3([]string{"go-get"}, []string{"command", "state", "no_such_property"}, true)
	must(t, err)
	got := values["go-get"]
	if got["command"].Value != "true" || got["state"].Value != "stopped" {
		t.Fatalf("Get %v", got)
	}
	if got["no_such_property"].Error != int(rpc.EError_InvalidProperty) || got["no_such_property"].ErrorMsg == "" {
		t.Fatalf("Get of an unknown property %v", got["no_such_property"])
	}
}

func TestWaitTimeoutKillPauseResumeStop(t *testing.T) {
	api := connect(t)
	create(t, api, "go-sleep")
	must(t, api.SetProperty("go-sleep", "command", "sleep 1000"))
	must(t, api.Start("go-sleep"))
	dead, err := api.Wait([]string{"go-sleep"}, 100*time.Millisecond)
	must(t, err)
	if dead != "" {
		t.Fatalf("Wait on a running container returned %q", dead)
	}
	must(t, api.Pause("go-sleep"))
	if got := property(t, api, "go-sleep", "state"); got != "paused" {
		t.Fatalf("state after Pause %q", got)
	}
	must(t, api.Resume("go-sleep"))
	must(t, api.Kill("go-sleep", syscall.SIGKILL))
	dead, err = api.Wait([]string{"go-sleep"}, time.Minute)
	must(t, err)
	if dead != "go-sleep" {
		t.Fatalf("Wait after Kill returned %q", dead)
	}
	if got := property(t, api, "go-sleep", "exit_status"); got != "9" {
		t.Fatalf("exit_status after SIGKILL %q", got)
	}
	must(t, api.Stop2("go-sleep", time.Second))
	if got := property(t, api, "go-sleep", "state"); got != "stopped" {
		t.Fatalf("state after Stop2 %q", got)
	}
}

func TestPropertyAndDataLists(t *testing.T) {
	api := connect(t)
	properties, err := api.Plist()
	must(t, err)
	names := map[string]bool{}
	for _, p := range properties {
		names[p.Name] = true
	}
	if !names["command"] || !names["memory_limit"] {
		t.Fatalf("Plist lacks command or memory_limit: %v", properties)
	}
	if _, err := api.Dlist(); err != nil {
		t.Fatal(err)
	}
}

func TestCreateAndUpdateFromSpec(t *testing.T) {
	api := connect(t)
	spec := &rpc.TContainerSpec{Name: proto.String("go-spec"), Command: proto.String("echo spec")}
	must(t, api.CreateFromSpec(spec))
	t.Cleanup(func() { _ = api.Destroy("go-spec") })
	must(t, api.UpdateFromSpec(&rpc.TContainerSpec{Name: proto.String("go-spec"), Cwd: proto.String("/tmp")}))
	if got := property(t, api, "go-spec", "command"); got != "echo spec" {
		t.Fatalf("command %q", got)
	}
	if got := property(t, api, "go-spec", "cwd"); got != "/tmp" {
		t.Fatalf("cwd %q", got)
	}
}

func TestCreateWeakMakesAWeakContainer(t *testing.T) {
	api := connect(t)
	must(t, api.CreateWeak("go-weak"))
	t.Cleanup(func() { _ = api.Destroy("go-weak") })
	if got := property(t, api, "go-weak", "weak"); got != "true" {
		t.Fatalf("weak %q", got)
	}
}

// runUpstreamProgram builds one of examples/ and runs it with args where /run/portod.socket is the
// test daemon's: in a mount namespace of its own, the daemon's run directory is mounted on /run.
func runUpstreamProgram(t *testing.T, example string, args ...string) string {
	t.Helper()
	socket := os.Getenv("PORTO_SOCKET")
	if filepath.Base(socket) != "portod.socket" {
		t.Fatalf("the test daemon's socket %q must be named portod.socket", socket)
	}
	program := filepath.Join(t.TempDir(), "upstream-program")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", program, "./examples/"+example)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := exec.Command("unshare", append([]string{"--mount", "--propagation", "slave", "sh", "-c",
		`mount --bind "$0" /run && shift && exec "$@"`, filepath.Dir(socket), "-", program}, args...)...)
	var stderr strings.Builder
	run.Stderr = &stderr
	out, err := run.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	return string(out)
}

func TestAProgramWrittenForUpstreamsAPIRunsUnchanged(t *testing.T) {
	out := runUpstreamProgram(t, "upstream")
	want := "version ok\nstdout: Hello from Porto\nexit_status: 0\nmissing: ContainerDoesNotExist\n" +
		"bad value: InvalidValue\ndestroyed\n"
	if out != want {
		t.Fatalf("the program printed\n%s\nwanted\n%s", out, want)
	}
}
