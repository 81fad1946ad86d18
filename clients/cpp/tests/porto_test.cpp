// libporto against a real portod: PORTO_SOCKET names its socket. One test case per run, named by the
// first argument (CMakeLists.txt lists them for ctest). Exit 0: passed, 1: failed.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <csignal>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "libporto.hpp"
#include "rpc.pb.h"

namespace {

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

#define CHECK(condition)                                                                         \
    do {                                                                                         \
        if (!(condition))                                                                        \
            throw Failure(std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": " #condition); \
    } while (0)

#define CHECK_CODE(call, code)                                                                   \
    do {                                                                                         \
        int got_ = (call);                                                                       \
        if (got_ != (code))                                                                      \
            throw Failure(std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": " #call " gave " + \
                          rpc::EError_Name(static_cast<rpc::EError>(got_)) + ", wanted " #code); \
    } while (0)

#define OK(call) CHECK_CODE(call, rpc::Success)

std::string SocketPath() {
    const char *socket = std::getenv("PORTO_SOCKET");
    if (!socket || !*socket)
        throw Failure("PORTO_SOCKET names no daemon: run the tests through clients/testing/private_portod.py");
    return socket;
}

// A container destroyed at the end of the test case, whatever happens.
struct Scoped {
    Porto::Connection &Api;
    std::string Name;
    Scoped(Porto::Connection &api, const std::string &name) : Api(api), Name(name) { OK(Api.Create(Name)); }
    ~Scoped() { Api.Destroy(Name); }
};

std::string Property(Porto::Connection &api, const std::string &name, const std::string &key) {
    std::string value;
    OK(api.GetProperty(name, key, value));
    return value;
}

void Version(Porto::Connection &api) {
    std::string tag, revision;
    OK(api.GetVersion(tag, revision));
    CHECK(!tag.empty());
}

void RunReadStdoutAndExitStatus(Porto::Connection &api) {
    Scoped ct(api, "cpp-run");
    OK(api.SetProperty("cpp-run", "command", "sh -c 'echo hello; exit 3'"));
    OK(api.Start("cpp-run"));
    std::string dead;
    OK(api.WaitContainers({"cpp-run"}, {}, dead, 60));
    CHECK(dead == "cpp-run");
    CHECK(Property(api, "cpp-run", "stdout") == "hello\n");
    CHECK(Property(api, "cpp-run", "exit_status") == "768");
    CHECK(Property(api, "cpp-run", "state") == "dead");
}

void MissingContainer(Porto::Connection &api) {
    std::string value;
    CHECK_CODE(api.GetProperty("cpp-missing", "state", value), rpc::ContainerDoesNotExist);
    CHECK(api.GetLastError().find("ContainerDoesNotExist:(") == 0);
    int error;
    std::string message;
    api.GetLastError(error, message);
    CHECK(error == rpc::ContainerDoesNotExist && !message.empty());
    CHECK_CODE(api.Destroy("cpp-missing"), rpc::ContainerDoesNotExist);
}

void BadValue(Porto::Connection &api) {
    Scoped ct(api, "cpp-bad");
    CHECK_CODE(api.SetProperty("cpp-bad", "memory_limit", "plenty"), rpc::InvalidValue);
    CHECK_CODE(api.SetProperty("cpp-bad", "no_such_property", "1"), rpc::InvalidProperty);
    CHECK_CODE(api.Create("cpp-bad"), rpc::ContainerAlreadyExists);
}

void ListWithMask(Porto::Connection &api) {
    Scoped a(api, "cpp-list-a"), b(api, "cpp-list-b"), other(api, "cpp-other");
    std::vector<std::string> names;
    OK(api.List(names, "cpp-list-*"));
    std::sort(names.begin(), names.end());
    CHECK((names == std::vector<std::string>{"cpp-list-a", "cpp-list-b"}));
    OK(api.List(names));
    CHECK(std::count(names.begin(), names.end(), "cpp-other") == 1);
}

void GetMany(Porto::Connection &api) {
    Scoped ct(api, "cpp-get");
    OK(api.SetProperty("cpp-get", "command", "true"));
    std::map<std::string, std::map<std::string, Porto::GetResponse>> result;
    OK(api.Get({"cpp-get"}, {"command", "state", "no_such_property"}, result, Porto::NonBlock));
    auto &values = result["cpp-get"];
    CHECK(values["command"].Value == "true" && values["command"].Error == 0);
    CHECK(values["state"].Value == "stopped");
    CHECK(values["no_such_property"].Error == rpc::InvalidProperty);
    CHECK(!values["no_such_property"].ErrorMsg.empty());
}

void WaitTimeoutKillPauseResume(Porto::Connection &api) {
    Scoped ct(api, "cpp-sleep");
    OK(api.SetProperty("cpp-sleep", "command", "sleep 1000"));
    OK(api.Start("cpp-sleep"));
    std::string dead = "unset";
    OK(api.WaitContainers({"cpp-sleep"}, {}, dead, 0));
    CHECK(dead.empty());
    OK(api.Pause("cpp-sleep"));
    CHECK(Property(api, "cpp-sleep", "state") == "paused");
    OK(api.Resume("cpp-sleep"));
    OK(api.Kill("cpp-sleep", SIGKILL));
    OK(api.WaitContainers({"cpp-sleep"}, {}, dead));
    CHECK(dead == "cpp-sleep");
    CHECK(Property(api, "cpp-sleep", "exit_status") == "9");
    OK(api.Stop("cpp-sleep", 1));
    CHECK(Property(api, "cpp-sleep", "state") == "stopped");
}

void PropertyList(Porto::Connection &api) {
    std::vector<Porto::Property> properties;
    OK(api.ListProperties(properties));
    auto find = [&](const std::string &name) {
        return std::find_if(properties.begin(), properties.end(),
                            [&](const Porto::Property &p) { return p.Name == name; });
    };
    CHECK(find("command") != properties.end() && !find("command")->ReadOnly);
    CHECK(find("state") != properties.end() && find("state")->ReadOnly);
}

void Spec(Porto::Connection &api) {
    rpc::TContainerSpec spec;
    spec.set_name("cpp-spec");
    spec.set_command("echo spec");
    OK(api.CreateFromSpec(spec, {}));
    rpc::TContainerSpec update;
    update.set_name("cpp-spec");
    update.set_cwd("/tmp");
    int updated = api.UpdateFromSpec(update);
    std::string command = Property(api, "cpp-spec", "command"), cwd = Property(api, "cpp-spec", "cwd");
    OK(api.Destroy("cpp-spec"));
    OK(updated);
    CHECK(command == "echo spec" && cwd == "/tmp");
}

void TextCall(Porto::Connection &api) {
    std::string answer;
    OK(api.Call("version {}", answer));
    CHECK(answer.find("tag:") != std::string::npos);
    CHECK_CODE(api.Call("no_such_field {}", answer), rpc::InvalidValue);
}

void Reconnect(Porto::Connection &api) {
    std::vector<std::string> names;
    OK(api.List(names));
    api.Close();
    OK(api.List(names));  // connects again by itself
    Porto::Connection nowhere("/run/porto-no-such-socket");
    CHECK_CODE(nowhere.List(names), rpc::SocketUnavailable);
}

void AsyncWait(Porto::Connection &api) {
    Porto::Connection watcher(SocketPath());
    std::vector<Porto::AsyncWaitEvent> events;
    OK(watcher.AsyncWait({"cpp-async"}, {}, [&](Porto::AsyncWaitEvent &event) { events.push_back(event); }));
    Scoped ct(api, "cpp-async");
    OK(api.SetProperty("cpp-async", "command", "true"));
    OK(api.Start("cpp-async"));
    while (std::none_of(events.begin(), events.end(), [](const Porto::AsyncWaitEvent &e) { return e.State == "dead"; }))
        OK(watcher.Recv());
    CHECK(events.back().Name == "cpp-async" && events.back().When > 0);
}

// AsyncWaiter: each callback once, when its container reaches its state; a removed one never.
void AsyncWaiterCase(Porto::Connection &api) {
    std::mutex lock;
    std::condition_variable changed;
    std::vector<std::string> seen;
    std::string fatal;
    Porto::AsyncWaiter waiter([&](const std::string &error, int ret) {
        std::lock_guard<std::mutex> hold(lock);
        fatal = error + " " + std::to_string(ret);
        changed.notify_all();
    }, SocketPath());
    auto note = [&](Porto::AsyncWaitEvent &event) {
        std::lock_guard<std::mutex> hold(lock);
        seen.push_back(event.Name + ":" + event.State);
        changed.notify_all();
    };
    auto awaitSeen = [&](size_t count) {
        std::unique_lock<std::mutex> hold(lock);
        changed.wait_for(hold, std::chrono::seconds(60), [&] { return seen.size() >= count || !fatal.empty(); });
        CHECK(fatal.empty());
        CHECK(seen.size() == count);
    };
    Scoped a(api, "cpp-waiter-a"), b(api, "cpp-waiter-b");
    OK(api.SetProperty("cpp-waiter-a", "command", "true"));
    OK(api.SetProperty("cpp-waiter-b", "command", "true"));
    OK(waiter.Add("cpp-waiter-a", "dead", note));
    OK(waiter.Add("cpp-waiter-b", "dead", note));
    OK(waiter.Remove("cpp-waiter-b"));
    OK(api.Start("cpp-waiter-b"));
    std::string name;
    OK(api.WaitContainers({"cpp-waiter-b"}, {}, name, 60));
    OK(api.Start("cpp-waiter-a"));
    awaitSeen(1);
    CHECK(seen[0] == "cpp-waiter-a:dead");
    CHECK(waiter.InvocationCount() >= 1);
    // Once only: the next death needs another Add, which a running container's "running" also shows.
    OK(api.Stop("cpp-waiter-a"));
    OK(api.SetProperty("cpp-waiter-a", "command", "sleep 1000"));
    OK(waiter.Add("cpp-waiter-a", "running", note));
    OK(api.Start("cpp-waiter-a"));
    awaitSeen(2);
    CHECK(seen[1] == "cpp-waiter-a:running");
    OK(api.Kill("cpp-waiter-a", 9));
    OK(api.WaitContainers({"cpp-waiter-a"}, {}, name, 60));
    {
        std::lock_guard<std::mutex> hold(lock);
        CHECK(seen.size() == 2);
    }
    CHECK_CODE(waiter.Remove("cpp-waiter-absent"), rpc::Success);
    // No daemon: the fatal callback hears why, and the waiter refuses orders.
    std::string why;
    int code = 0;
    Porto::AsyncWaiter lost([&](const std::string &error, int ret) { why = error; code = ret; }, "/run/porto-no-such-socket");
    CHECK(why.find("cannot connect") != std::string::npos && code == rpc::SocketUnavailable);
    CHECK(lost.Add("cpp-waiter-a", "dead", note) == -1);
    CHECK(lost.Remove("cpp-waiter-a") == -1);
}

// AsyncWaiter across a reload of its (private) daemon: it connects again and keeps waiting.
void AsyncWaiterAfterReload(Porto::Connection &api) {
    std::string socket = SocketPath();
    CHECK(socket != Porto::DEFAULT_SOCKET);  // it reloads the daemon: never the installed one
    std::string dir = socket.substr(0, socket.rfind('/'));
    auto pidIn = [&](const char *file) {
        int pid = 0;
        std::ifstream(dir + "/" + file) >> pid;
        return pid;
    };
    int master = pidIn("portoloop.pid"), daemon = pidIn("portod.pid");
    CHECK(master > 0 && daemon > 0);
    std::mutex lock;
    std::condition_variable changed;
    std::vector<std::string> seen;
    std::string fatal;
    Porto::AsyncWaiter waiter([&](const std::string &error, int) {
        std::lock_guard<std::mutex> hold(lock);
        fatal = error;
        changed.notify_all();
    }, socket);
    auto note = [&](Porto::AsyncWaitEvent &event) {
        std::lock_guard<std::mutex> hold(lock);
        seen.push_back(event.Name + ":" + event.State);
        changed.notify_all();
    };
    Scoped a(api, "cpp-reload-a"), b(api, "cpp-reload-b");
    OK(api.SetProperty("cpp-reload-a", "command", "true"));
    OK(api.SetProperty("cpp-reload-b", "command", "true"));
    OK(waiter.Add("cpp-reload-a", "dead", note));
    CHECK(kill(master, SIGHUP) == 0);  // portod reload
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::vector<std::string> names;
    while (pidIn("portod.pid") == daemon || api.List(names) != rpc::Success) {
        CHECK(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Once this Add is answered the waiter talks to the new daemon, whether it saw the old one go or not.
    OK(waiter.Add("cpp-reload-b", "dead", note));
    OK(api.Start("cpp-reload-a"));
    OK(api.Start("cpp-reload-b"));
    std::unique_lock<std::mutex> hold(lock);
    changed.wait_for(hold, std::chrono::seconds(60), [&] { return seen.size() >= 2 || !fatal.empty(); });
    CHECK(fatal.empty());
    std::sort(seen.begin(), seen.end());
    CHECK(seen == std::vector<std::string>({"cpp-reload-a:dead", "cpp-reload-b:dead"}));
}

void Labels(Porto::Connection &api) {
    Scoped a(api, "cpp-label-a"), b(api, "cpp-label-b");
    OK(api.SetLabel("cpp-label-a", "TEST.color", "blue"));
    OK(api.SetLabel("cpp-label-b", "TEST.color", "red"));
    CHECK_CODE(api.SetLabel("cpp-label-a", "TEST.color", "green", "red"), rpc::Busy);
    CHECK(Property(api, "cpp-label-a", "TEST.color") == "blue");
    int64_t count = 0;
    OK(api.IncLabel("cpp-label-a", "TEST.count", 2, count));
    CHECK(count == 2);
    rpc::TListContainersRequest request;
    auto *filter = request.add_filters();
    filter->set_name("cpp-label-*");
    auto *label = filter->mutable_labels()->add_map();
    label->set_key("TEST.color");
    label->set_val("red");
    std::vector<rpc::TContainer> containers;
    OK(api.ListContainersBy(request, containers));
    CHECK(containers.size() == 1 && containers[0].spec().name() == "cpp-label-b");
    rpc::TContainer container;
    OK(api.GetContainerSpec("cpp-label-a", container));
    CHECK(container.status().state() == "stopped");
}

void VolumeWithLayer(Porto::Connection &api) {
    std::string dir = "/tmp/cpp-layer-" + std::to_string(getpid());
    CHECK(mkdir(dir.c_str(), 0755) == 0);
    std::ofstream(dir + "/greeting") << "hello from a layer\n";
    std::string tarball = dir + ".tar";
    CHECK(std::system(("tar -C " + dir + " -cf " + tarball + " greeting").c_str()) == 0);
    int imported = api.ImportLayer("cpp-layer", tarball);
    std::system(("rm -rf " + dir + " " + tarball).c_str());
    OK(imported);
    std::vector<Porto::Layer> layers;
    OK(api.ListLayers(layers, "", "cpp-layer"));
    CHECK(layers.size() == 1 && layers[0].Name == "cpp-layer");
    Porto::Volume volume;
    OK(api.CreateVolume("", {{"layers", "cpp-layer"}, {"backend", "overlay"}}, volume));
    std::ifstream greeting(volume.Path + "/greeting");
    std::string line;
    std::getline(greeting, line);
    std::vector<Porto::Volume> volumes;
    OK(api.ListVolumes(volume.Path, "", volumes));
    OK(api.UnlinkVolume(volume.Path));
    OK(api.RemoveLayer("cpp-layer"));
    CHECK(line == "hello from a layer");
    CHECK(volumes.size() == 1 && volumes[0].Properties["layers"] == "cpp-layer");
    CHECK_CODE(api.ListVolumes(volume.Path, "", volumes), rpc::VolumeNotFound);
    CHECK_CODE(api.RemoveLayer("cpp-missing-layer"), rpc::LayerNotFound);
}

const std::map<std::string, std::function<void(Porto::Connection &)>> CASES = {
    {"version", Version},
    {"run_read_stdout_and_exit_status", RunReadStdoutAndExitStatus},
    {"missing_container", MissingContainer},
    {"bad_value", BadValue},
    {"list_with_mask", ListWithMask},
    {"get_many", GetMany},
    {"wait_timeout_kill_pause_resume", WaitTimeoutKillPauseResume},
    {"property_list", PropertyList},
    {"spec", Spec},
    {"text_call", TextCall},
    {"reconnect", Reconnect},
    {"async_wait", AsyncWait},
    {"async_waiter", AsyncWaiterCase},
    {"async_waiter_after_reload", AsyncWaiterAfterReload},
    {"labels", Labels},
    {"volume_with_layer", VolumeWithLayer},
};

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2 || !CASES.count(argv[1])) {
        std::cerr << "usage: porto_test CASE; cases:";
        for (const auto &entry : CASES)
            std::cerr << " " << entry.first;
        std::cerr << "\n";
        return 2;
    }
    try {
        Porto::Connection api(SocketPath());
        api.SetTimeout(60);
        CASES.at(argv[1])(api);
    } catch (const std::exception &e) {
        std::cerr << argv[1] << " failed: " << e.what() << "\n";
        return 1;
    }
    std::cout << argv[1] << " passed\n";
    return 0;
}
