// C++ client of portod with the shape of upstream Porto's libporto (Porto::Connection): every request
// method returns the Porto error code (rpc::EError, 0 on success) and GetLastError() tells the message.
// The protocol classes (rpc.pb.h) are generated from this repository's rpc.proto at build time.
#pragma once

#include <atomic>
#include <cstdint>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace rpc {
class TContainerRequest;
class TContainerResponse;
class TContainerSpec;
class TContainer;
class TStorageListResponse;
class TListContainersRequest;
class TVolumeSpec;
class TGetVolumeRequest;
class TDockerImage;
}

namespace Porto {

constexpr int INFINITE_TIMEOUT = -1;
constexpr int DEFAULT_TIMEOUT = 300;  // seconds one request may take
constexpr int DISK_TIMEOUT = 900;     // seconds more for volume and layer requests

const char *const DEFAULT_SOCKET = "/run/portod.socket";

struct Property {
    std::string Name;
    std::string Description;
    bool ReadOnly = false;
    bool Dynamic = false;
};

struct VolumeLink {
    std::string Container;
    std::string Target;
    bool ReadOnly = false;
    bool Required = false;
};

struct Volume {
    std::string Path;
    std::map<std::string, std::string> Properties;
    std::vector<VolumeLink> Links;
};

struct Layer {
    std::string Name;
    std::string OwnerUser;
    std::string OwnerGroup;
    std::string PrivateValue;
    uint64_t LastUsage = 0;
};

struct Storage {
    std::string Name;
    std::string OwnerUser;
    std::string OwnerGroup;
    std::string PrivateValue;
    uint64_t LastUsage = 0;
};

struct DockerImage {
    std::string Id;
    std::vector<std::string> Tags;
    std::vector<std::string> Digests;
    std::vector<std::string> Layers;
    uint64_t Size = 0;
    struct Config {
        std::vector<std::string> Cmd;
        std::vector<std::string> Env;
    } Config;

    DockerImage() = default;
    DockerImage(const ::rpc::TDockerImage &image);
};

// One value of Get: the value, or the error code and message of reading it.
struct GetResponse {
    std::string Value;
    int Error = 0;
    std::string ErrorMsg;
};

// A report of AsyncWait: a container reached a state, or one of its labels changed.
struct AsyncWaitEvent {
    time_t When = 0;
    std::string Name;
    std::string State;
    std::string Label;
    std::string Value;
};

enum GetFlags {
    NonBlock = 1,
    Sync = 2,
    Real = 4,
};

class Connection {
    friend class AsyncWaiter;  // watches the connection's socket
    int SocketFd() const;      // -1 while not connected
    class ConnectionImpl;
    std::unique_ptr<ConnectionImpl> Impl;

public:
    Connection();
    explicit Connection(const std::string &socketPath);  // a daemon on another socket (ours only)
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // Every request connects first when needed, and once again when the daemon went away.
    int Connect();
    void Close();

    // Seconds a request and its answer may take (INFINITE_TIMEOUT: no limit).
    int GetTimeout() const;
    int SetTimeout(int timeout);
    // Seconds more for volume and layer requests.
    int GetDiskTimeout() const;
    int SetDiskTimeout(int timeout);

    std::string GetLastError() const;  // "Name:(message)" of the last failure
    void GetLastError(int &error, std::string &msg) const;
    uint64_t ResponseTimestamp() const;

    int Call(const rpc::TContainerRequest &req, rpc::TContainerResponse &rsp, int extra_timeout = 0);
    int Call(const std::string &req, std::string &rsp, int extra_timeout = 0);  // text format

    int Create(const std::string &name);
    int CreateWeakContainer(const std::string &name);
    int Destroy(const std::string &name);

    int Start(const std::string &name);
    int Stop(const std::string &name, int timeout = -1);
    int Kill(const std::string &name, int sig);
    int Pause(const std::string &name);
    int Resume(const std::string &name);
    int Respawn(const std::string &name);

    // name: the first of containers (names or masks) to be dead, or "" when timeout (seconds) passes.
    int WaitContainers(const std::vector<std::string> &containers, const std::vector<std::string> &labels,
                       std::string &name, int timeout = INFINITE_TIMEOUT);
    // Reports of the containers' state changes go to callback while Recv or later requests read them.
    int AsyncWait(const std::vector<std::string> &containers, const std::vector<std::string> &labels,
                  std::function<void(AsyncWaitEvent &event)> callback, int timeout = INFINITE_TIMEOUT,
                  const std::string &targetState = "");
    int StopAsyncWait(const std::vector<std::string> &containers, const std::vector<std::string> &labels,
                      const std::string &targetState = "");
    int Recv();  // reads one report (or answer) and hands it to the AsyncWait callback

    int List(std::vector<std::string> &list, const std::string &mask = "");
    int ListProperties(std::vector<Property> &list);

    int Get(const std::vector<std::string> &name, const std::vector<std::string> &variable,
            std::map<std::string, std::map<std::string, GetResponse>> &result, int flags = 0);
    int GetProperty(const std::string &name, const std::string &property, std::string &value, int flags = 0);
    int SetProperty(const std::string &name, const std::string &property, std::string value);
    int GetData(const std::string &name, const std::string &property, std::string &value) {
        return GetProperty(name, property, value);
    }

    int IncLabel(const std::string &name, const std::string &label, int64_t add, int64_t &result);
    int IncLabel(const std::string &name, const std::string &label, int64_t add = 1) {
        int64_t result;
        return IncLabel(name, label, add, result);
    }
    int SetLabel(const std::string &name, const std::string &label, const std::string &value,
                 const std::string &prev_value = "");  // ours: upstream sets labels as properties

    int GetVersion(std::string &tag, std::string &revision);

    int ListVolumeProperties(std::vector<Property> &list);
    int CreateVolume(const std::string &path, const std::map<std::string, std::string> &config, Volume &result);
    int CreateVolume(std::string &path, const std::map<std::string, std::string> &config);
    int LinkVolume(const std::string &path, const std::string &container = "", const std::string &target = "",
                   bool read_only = false, bool required = false);
    int UnlinkVolume(const std::string &path, const std::string &container = "",
                     const std::string &target = "***", bool strict = false);
    int ListVolumes(const std::string &path, const std::string &container, std::vector<Volume> &volumes);
    int ListVolumes(std::vector<Volume> &volumes) { return ListVolumes(std::string(), std::string(), volumes); }
    int TuneVolume(const std::string &path, const std::map<std::string, std::string> &config);
    int CheckVolume(const std::string &path, std::string &message);

    int ImportLayer(const std::string &layer, const std::string &tarball, bool merge = false,
                    const std::string &place = "", const std::string &private_value = "",
                    const std::string &memCgroup = "", bool verboseError = false);
    int ExportLayer(const std::string &volume, const std::string &tarball, const std::string &compress = "");
    int RemoveLayer(const std::string &layer, const std::string &place = "", bool async = false);
    int ListLayers(std::vector<Layer> &layers, const std::string &place = "", const std::string &mask = "");
    int GetLayerPrivate(std::string &private_value, const std::string &layer, const std::string &place = "");
    int SetLayerPrivate(const std::string &private_value, const std::string &layer, const std::string &place = "");

    int DockerImageStatus(DockerImage &image, const std::string &name, const std::string &place = "");
    int ListDockerImages(std::vector<DockerImage> &images, const std::string &place = "",
                         const std::string &mask = "");
    int PullDockerImage(DockerImage &image, const std::string &name, const std::string &place = "",
                        const std::string &auth_token = "", const std::string &auth_path = "",
                        const std::string &auth_service = "");
    int RemoveDockerImage(const std::string &name, const std::string &place = "");

    // The answer lives until the next request of this connection; nullptr on error.
    const rpc::TStorageListResponse *ListStorage(const std::string &place = "", const std::string &mask = "");
    int RemoveStorage(const std::string &name, const std::string &place = "");
    int ImportStorage(const std::string &name, const std::string &archive, const std::string &place = "",
                      const std::string &compression = "", const std::string &private_value = "");
    int ExportStorage(const std::string &name, const std::string &archive, const std::string &place = "",
                      const std::string &compression = "");

    int ConvertPath(const std::string &path, const std::string &src, const std::string &dest, std::string &res);
    int AttachProcess(const std::string &name, int pid, const std::string &comm);
    int AttachThread(const std::string &name, int pid, const std::string &comm);
    int LocateProcess(int pid, const std::string &comm, std::string &name);

    int GetContainerSpec(const std::string &name, rpc::TContainer &container);
    int ListContainersBy(const rpc::TListContainersRequest &listContainersRequest,
                         std::vector<rpc::TContainer> &containers);
    int CreateFromSpec(const rpc::TContainerSpec &container, std::vector<rpc::TVolumeSpec> volumes,
                       bool start = false);
    int UpdateFromSpec(const rpc::TContainerSpec &container);

    int ListVolumesBy(const rpc::TGetVolumeRequest &getVolumeRequest, std::vector<rpc::TVolumeSpec> &volumes);
    int CreateVolumeFromSpec(const rpc::TVolumeSpec &volume, rpc::TVolumeSpec &resultSpec);
};

// Calls back once when a container reaches a state, from a thread of its own with a connection of its
// own; survives a reload of the daemon by waiting again. fatalCallback hears of an error it cannot get
// over (the connection lost for good), after which Add and Remove answer -1.
class AsyncWaiter {
public:
    explicit AsyncWaiter(std::function<void(const std::string &error, int ret)> fatalCallback);
    // Ours: a daemon on another socket.
    AsyncWaiter(std::function<void(const std::string &error, int ret)> fatalCallback, const std::string &socketPath);
    ~AsyncWaiter();
    AsyncWaiter(const AsyncWaiter &) = delete;
    AsyncWaiter &operator=(const AsyncWaiter &) = delete;

    // callback runs once, when ct reaches state; a second Add for ct replaces the first.
    int Add(const std::string &ct, const std::string &state, std::function<void(AsyncWaitEvent &event)> callback);
    int Remove(const std::string &ct);
    // How many reports of the daemon the waiter has read, for a callback or not.
    uint64_t InvocationCount() const { return Reports; }

private:
    using Callback = std::function<void(AsyncWaitEvent &event)>;
    struct Watch {
        std::string State;
        Callback Then;
    };
    enum class Order : int { Add = 1, Remove = 2, Stop = 3 };

    void Start();
    void Loop();
    bool Reconnect();
    bool Rewatch();
    void Report(AsyncWaitEvent &event);
    int Follow();
    void Fatal(const std::string &error, int ret);
    bool Tell(int fd, int value);
    bool Hear(int fd, int &value);

    Connection Api;
    std::function<void(const std::string &error, int ret)> FatalCallback;
    std::atomic<bool> Failed{false};
    std::atomic<uint64_t> Reports{0};
    std::unordered_map<std::string, Watch> Watches;  // touched by the waiter's thread only
    std::vector<std::string> Following;              // the names of the daemon's AsyncWait
    std::mutex OrderLock;                            // one Add or Remove at a time
    std::string OrderCt, OrderState;                 // the order being carried out
    Callback OrderCallback;
    int Caller = -1, Waiter = -1;  // the two ends of the socket pair between them
    int Epoll = -1;
    int Watched = -1;  // the connection's socket as epoll watches it
    std::thread Thread;
};

}  // namespace Porto
