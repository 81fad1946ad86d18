// The four-client scenario in C++ (see clients/scenario/README.md): prints the transcript that
// clients/scenario/run.py compares.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "libporto.hpp"
#include "rpc.pb.h"

namespace {

Porto::Connection *Api;

void Check(int error) {
    if (error) {
        std::cerr << "scenario: " << Api->GetLastError() << "\n";
        std::exit(1);
    }
}

std::string ErrorName(int error) {
    return error ? rpc::EError_Name(static_cast<rpc::EError>(error)) : "no error";
}

std::string Get(const std::string &name, const std::string &property) {
    std::string value;
    Check(Api->GetProperty(name, property, value));
    return value;
}

std::string Join(const std::vector<std::string> &words) {
    std::string line;
    for (const auto &word : words)
        line += (line.empty() ? "" : " ") + word;
    return line;
}

std::string WithoutNewline(std::string text) {
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    return text;
}

void LabelAndVolumeSteps() {
    Check(Api->SetLabel("scn", "TEST.step", "one"));
    std::cout << "set label: ok\n";
    rpc::TContainerRequest request;
    request.mutable_findlabel()->set_mask("scn*");
    request.mutable_findlabel()->set_label("TEST.step");
    rpc::TContainerResponse response;
    Check(Api->Call(request, response));
    std::vector<std::string> found;
    for (const auto &entry : response.findlabel().list())
        found.push_back(entry.name() + " " + entry.label() + "=" + entry.value());
    std::cout << "find label: " << Join(found) << "\n";
    int64_t count = 0;
    Check(Api->IncLabel("scn", "TEST.count", 2, count));
    std::cout << "inc label: " << count << "\n";
    rpc::TListContainersRequest select;
    auto *filter = select.add_filters();
    filter->set_name("scn*");
    auto *label = filter->mutable_labels()->add_map();
    label->set_key("TEST.step");
    label->set_val("one");
    select.mutable_field_options()->add_properties("state");
    std::vector<rpc::TContainer> containers;
    Check(Api->ListContainersBy(select, containers));
    std::vector<std::string> selected;
    for (const auto &container : containers)
        selected.push_back(container.spec().name());
    std::cout << "list by label: " << Join(selected) << "\n";
    Check(Api->ImportLayer("scn-layer", std::getenv("PORTO_SCENARIO_TARBALL")));
    std::cout << "import layer: ok\n";
    Porto::Volume volume;
    Check(Api->CreateVolume("", {{"backend", "overlay"}, {"layers", "scn-layer"}}, volume));
    std::ifstream greeting(volume.Path + "/greeting");
    std::string line;
    std::getline(greeting, line);
    std::cout << "volume greeting: " << line << "\n";
    std::vector<Porto::Volume> volumes;
    Check(Api->ListVolumes(volume.Path, "", volumes));
    std::cout << "volume layers: " << volumes.at(0).Properties["layers"] << "\n";
    Check(Api->UnlinkVolume(volume.Path, "***"));
    std::cout << "destroy volume: ok\n";
    Check(Api->RemoveLayer("scn-layer"));
    std::cout << "remove layer: ok\n";
    std::cout << "missing layer: " << ErrorName(Api->RemoveLayer("scn-layer")) << "\n";
}

}  // namespace

int main() {
    const char *socket = std::getenv("PORTO_SOCKET");
    Porto::Connection api(socket ? socket : Porto::DEFAULT_SOCKET);
    Api = &api;
    api.SetTimeout(60);
    std::string tag, revision;
    Check(api.GetVersion(tag, revision));
    std::cout << "version: ok\n";
    Check(api.Create("scn"));
    std::cout << "create scn: ok\n";
    Check(api.SetProperty("scn", "command", "sh -c 'echo scenario-out; exit 5'"));
    std::cout << "set command: ok\n";
    Check(api.Start("scn"));
    std::cout << "start: ok\n";
    std::string dead;
    Check(api.WaitContainers({"scn"}, {}, dead, 60));
    std::cout << "wait: " << dead << "\n";
    std::cout << "stdout: " << WithoutNewline(Get("scn", "stdout")) << "\n";
    std::cout << "exit_status: " << Get("scn", "exit_status") << "\n";
    std::cout << "state: " << Get("scn", "state") << "\n";
    Check(api.Create("scn-a"));
    Check(api.Create("scn-b"));
    std::cout << "create scn-a scn-b: ok\n";
    std::vector<std::string> names;
    Check(api.List(names, "scn-*"));
    std::sort(names.begin(), names.end());
    std::cout << "list scn-*: " << Join(names) << "\n";
    Check(api.List(names, "scn"));
    std::cout << "list scn: " << Join(names) << "\n";
    std::string value;
    std::cout << "missing: " << ErrorName(api.GetProperty("scn-missing", "state", value)) << "\n";
    std::cout << "bad value: " << ErrorName(api.SetProperty("scn", "memory_limit", "plenty")) << "\n";
    LabelAndVolumeSteps();
    for (const char *name : {"scn", "scn-a", "scn-b"})
        Check(api.Destroy(name));
    std::cout << "destroy: ok\n";
    std::cout << "after destroy: " << ErrorName(api.GetProperty("scn", "state", value)) << "\n";
    return 0;
}
