// A program written for upstream Porto's Go API, nothing but its names: it talks to the default
// socket through porto.Connect. The tests build it and run it unchanged against the test daemon.
package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/yandex/porto/src/api/go/porto"
	"github.com/yandex/porto/src/api/go/porto/pkg/rpc"
)

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func errorName(err error) string {
	var portoError *porto.Error
	if errors.As(err, &portoError) {
		return rpc.EError_name[int32(portoError.Code)]
	}
	return fmt.Sprintf("not a Porto error: %v", err)
}

func main() {
	api, err := porto.Connect()
	check(err)
	defer api.Close()

	if _, _, err := api.GetVersion(); err == nil {
		fmt.Println("version ok")
	}
	const name = "go-upstream-program"
	check(api.Create(name))
	check(api.SetProperty(name, "command", "echo Hello from Porto"))
	check(api.Start(name))
	dead, err := api.Wait([]string{name}, time.Minute)
	check(err)
	if dead != name {
		check(fmt.Errorf("waited for %s, got %q", name, dead))
	}
	stdout, err := api.GetProperty(name, "stdout")
	check(err)
	fmt.Printf("stdout: %s", stdout)
	status, err := api.GetProperty(name, "exit_status")
	check(err)
	fmt.Println("exit_status:", status)
	_, err = api.GetProperty("go-upstream-missing", "state")
	fmt.Println("missing:", errorName(err))
	err = api.SetProperty(name, "memory_limit", "plenty")
	fmt.Println("bad value:", errorName(err))
	check(api.Destroy(name))
	fmt.Println("destroyed")
}
