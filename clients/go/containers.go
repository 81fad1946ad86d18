package porto

import (
	"syscall"
	"time"

	"github.com/yandex/porto/src/api/go/porto/pkg/rpc"
	"google.golang.org/protobuf/proto"
)

func (c *client) Create(name string) error {
	_, err := c.Call(&rpc.TContainerRequest{Create: &rpc.TContainerCreateRequest{Name: &name}})
	return err
}

// CreateWeak creates a container that is destroyed when this connection closes.
func (c *client) CreateWeak(name string) error {
	_, err := c.Call(&rpc.TContainerRequest{CreateWeak: &rpc.TContainerCreateRequest{Name: &name}})
	return err
}

func (c *client) Destroy(name string) error {
	_, err := c.Call(&rpc.TContainerRequest{Destroy: &rpc.TContainerDestroyRequest{Name: &name}})
	return err
}

func (c *client) Start(name string) error {
	_, err := c.Call(&rpc.TContainerRequest{Start: &rpc.TContainerStartRequest{Name: &name}})
	return err
}

// Stop stops with the daemon's default grace time between SIGTERM and SIGKILL.
func (c *client) Stop(name string) error {
	return c.Stop2(name, -1)
}

// Stop2 stops giving the tasks timeout after SIGTERM (negative: the daemon's default).
func (c *client) Stop2(name string, timeout time.Duration) error {
	ms, err := milliseconds(timeout)
	if err != nil {
		return err
	}
	_, err = c.Call(&rpc.TContainerRequest{Stop: &rpc.TContainerStopRequest{Name: &name, TimeoutMs: ms}})
	return err
}

func (c *client) Kill(name string, sig syscall.Signal) error {
	_, err := c.Call(&rpc.TContainerRequest{Kill: &rpc.TContainerKillRequest{Name: &name, Sig: proto.Int32(int32(sig))}})
	return err
}

func (c *client) Pause(name string) error {
	_, err := c.Call(&rpc.TContainerRequest{Pause: &rpc.TContainerPauseRequest{Name: &name}})
	return err
}

func (c *client) Resume(name string) error {
	_, err := c.Call(&rpc.TContainerRequest{Resume: &rpc.TContainerResumeRequest{Name: &name}})
	return err
}

// Wait returns the first of containers (names or masks) to be dead, or "" when timeout passes first
// (a negative timeout waits for ever).
func (c *client) Wait(containers []string, timeout time.Duration) (string, error) {
	ms, err := milliseconds(timeout)
	if err != nil {
		return "", err
	}
	rsp, err := c.Call(&rpc.TContainerRequest{Wait: &rpc.TContainerWaitRequest{Name: containers, TimeoutMs: ms}})
	if err != nil {
		return "", err
	}
	return rsp.GetWait().GetName(), nil
}

func (c *client) List() ([]string, error) {
	return c.List1("")
}

// List1 lists the containers whose names match mask (a name, or a pattern with * and ?; "" for all).
func (c *client) List1(mask string) ([]string, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{List: &rpc.TContainerListRequest{Mask: optional(mask)}})
	if err != nil {
		return nil, err
	}
	return rsp.GetList().GetName(), nil
}

func (c *client) Plist() ([]TProperty, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{PropertyList: &rpc.TContainerPropertyListRequest{}})
	if err != nil {
		return nil, err
	}
	var properties []TProperty
	for _, entry := range rsp.GetPropertyList().GetList() {
		properties = append(properties, TProperty{Name: entry.GetName(), Description: entry.GetDesc()})
	}
	return properties, nil
}

func (c *client) Dlist() ([]TData, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{DataList: &rpc.TContainerDataListRequest{}})
	if err != nil {
		return nil, err
	}
	var data []TData
	for _, entry := range rsp.GetDataList().GetList() {
		data = append(data, TData{Name: entry.GetName(), Description: entry.GetDesc()})
	}
	return data, nil
}

func (c *client) Get(containers []string, variables []string) (map[string]map[string]TPortoGetResponse, error) {
	return c.Get3(containers, variables, false)
}

// Get3 reads several properties of several containers in one request; a value that could not be read
// carries its error code and message instead. nonblock: do not wait for a busy container.
func (c *client) Get3(containers []string, variables []string, nonblock bool) (
	map[string]map[string]TPortoGetResponse, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{Get: &rpc.TContainerGetRequest{
		Name: containers, Variable: variables, Nonblock: &nonblock}})
	if err != nil {
		return nil, err
	}
	result := make(map[string]map[string]TPortoGetResponse)
	for _, container := range rsp.GetGet().GetList() {
		values := result[container.GetName()]
		if values == nil {
			values = make(map[string]TPortoGetResponse)
			result[container.GetName()] = values
		}
		for _, item := range container.GetKeyval() {
			values[item.GetVariable()] = TPortoGetResponse{
				Value: item.GetValue(), Error: int(item.GetError()), ErrorMsg: item.GetErrorMsg()}
		}
	}
	return result, nil
}

func (c *client) GetProperty(name string, property string) (string, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{GetProperty: &rpc.TContainerGetPropertyRequest{
		Name: &name, Property: &property}})
	if err != nil {
		return "", err
	}
	return rsp.GetGetProperty().GetValue(), nil
}

func (c *client) SetProperty(name string, property string, value string) error {
	_, err := c.Call(&rpc.TContainerRequest{SetProperty: &rpc.TContainerSetPropertyRequest{
		Name: &name, Property: &property, Value: &value}})
	return err
}

func (c *client) GetData(name string, data string) (string, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{GetData: &rpc.TContainerGetDataRequest{Name: &name, Data: &data}})
	if err != nil {
		return "", err
	}
	return rsp.GetGetData().GetValue(), nil
}

func (c *client) CreateFromSpec(spec *rpc.TContainerSpec) error {
	_, err := c.Call(&rpc.TContainerRequest{CreateFromSpec: &rpc.TCreateFromSpecRequest{Container: spec}})
	return err
}

func (c *client) UpdateFromSpec(spec *rpc.TContainerSpec) error {
	_, err := c.Call(&rpc.TContainerRequest{UpdateFromSpec: &rpc.TUpdateFromSpecRequest{Container: spec}})
	return err
}

// ListContainersBy returns spec and status of the containers its filters select, with the fields
// request.FieldOptions names (all when none).
func (c *client) ListContainersBy(request *rpc.TListContainersRequest) ([]*rpc.TContainer, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{ListContainersBy: request})
	if err != nil {
		return nil, err
	}
	return rsp.GetListContainersBy().GetContainers(), nil
}

// FindLabel lists the labels named label (or matching it as a pattern) of the containers matching
// mask; state and value, when not empty, keep only those in that state or with that value.
func (c *client) FindLabel(mask string, label string, state string, value string) ([]TLabelEntry, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{FindLabel: &rpc.TFindLabelRequest{
		Mask: optional(mask), Label: &label, State: optional(state), Value: optional(value)}})
	if err != nil {
		return nil, err
	}
	var entries []TLabelEntry
	for _, entry := range rsp.GetFindLabel().GetList() {
		entries = append(entries, TLabelEntry{
			Name: entry.GetName(), State: entry.GetState(), Label: entry.GetLabel(), Value: entry.GetValue()})
	}
	return entries, nil
}

// SetLabel sets (value "" removes) a label; with prevValue not empty only if it has that value now
// (Busy otherwise).
func (c *client) SetLabel(name string, label string, value string, prevValue string) error {
	_, err := c.Call(&rpc.TContainerRequest{SetLabel: &rpc.TSetLabelRequest{
		Name: &name, Label: &label, Value: &value, PrevValue: optional(prevValue)}})
	return err
}

// IncLabel adds add to a numeric label (a missing one counts as 0) and returns the new value.
func (c *client) IncLabel(name string, label string, add int64) (int64, error) {
	rsp, err := c.Call(&rpc.TContainerRequest{IncLabel: &rpc.TIncLabelRequest{Name: &name, Label: &label, Add: &add}})
	if err != nil {
		return 0, err
	}
	return rsp.GetIncLabel().GetResult(), nil
}
