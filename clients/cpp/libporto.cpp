// The client of portod declared in libporto.hpp: one UNIX socket, one request at a time, each framed
// as a varint byte count followed by the TContainerRequest; the answer comes back the same way.
#include "libporto.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <google/protobuf/text_format.h>

#include "rpc.pb.h"

namespace Porto {

namespace {

constexpr uint64_t MAX_MESSAGE = 1ull << 30;  // a larger length means a broken stream

std::string ErrorName(int error) {
    const std::string &name = rpc::EError_Name(static_cast<rpc::EError>(error));
    return name.empty() ? std::to_string(error) : name;
}

void FillProperties(const std::map<std::string, std::string> &config,
                    google::protobuf::RepeatedPtrField<rpc::TVolumeProperty> *properties) {
    for (const auto &entry : config) {
        rpc::TVolumeProperty *property = properties->Add();
        property->set_name(entry.first);
        property->set_value(entry.second);
    }
}

Volume VolumeOf(const rpc::TVolumeDescription &description) {
    Volume volume;
    volume.Path = description.path();
    for (const auto &property : description.properties())
        volume.Properties[property.name()] = property.value();
    for (const auto &link : description.links())
        volume.Links.push_back({link.container(), link.target(), link.read_only(), link.required()});
    if (description.links().empty()) {
        for (const auto &container : description.containers())
            volume.Links.push_back({container, "", false, false});
    }
    return volume;
}

}  // namespace

DockerImage::DockerImage(const rpc::TDockerImage &image)
    : Id(image.id()), Tags(image.tags().begin(), image.tags().end()),
      Digests(image.digests().begin(), image.digests().end()), Layers(image.layers().begin(), image.layers().end()),
      Size(image.size()) {
    Config.Cmd.assign(image.config().cmd().begin(), image.config().cmd().end());
    Config.Env.assign(image.config().env().begin(), image.config().env().end());
}

// Sets an optional string field only when a value is given: an empty argument leaves it unset.
#define SetIfGiven(message, field, value) do { if (!(value).empty()) (message)->set_##field(value); } while (0)

class Connection::ConnectionImpl {
public:
    std::string SocketPath = DEFAULT_SOCKET;
    int Fd = -1;
    int Timeout = DEFAULT_TIMEOUT;
    int DiskTimeout = DISK_TIMEOUT;
    int LastError = 0;
    std::string LastErrorMsg;
    uint64_t Timestamp = 0;

    rpc::TContainerRequest Req;
    rpc::TContainerResponse Rsp;

    std::function<void(AsyncWaitEvent &event)> AsyncWaitCallback;
    rpc::TContainerRequest AsyncWaitRequest;  // sent again after a reconnect

    ~ConnectionImpl() { Close(); }

    int Fail(int error, const std::string &message) {
        LastError = error;
        LastErrorMsg = message;
        return error;
    }

    int SocketFailure(const char *what, int err) {
        Close();
        int error = (err == EAGAIN || err == EWOULDBLOCK) ? rpc::SocketTimeout : rpc::SocketError;
        return Fail(error, std::string(what) + ": " + std::strerror(err));
    }

    int Connect() {
        Close();
        Fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (Fd < 0)
            return SocketFailure("socket", errno);
        sockaddr_un address = {};
        address.sun_family = AF_UNIX;
        if (SocketPath.size() >= sizeof(address.sun_path))
            return Fail(rpc::SocketError, "socket path too long: " + SocketPath);
        std::strncpy(address.sun_path, SocketPath.c_str(), sizeof(address.sun_path) - 1);
        SetDeadline(Timeout);
        if (connect(Fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) < 0) {
            int err = errno;
            Close();
            return Fail(rpc::SocketUnavailable, "connect " + SocketPath + ": " + std::strerror(err));
        }
        if (AsyncWaitCallback && AsyncWaitRequest.has_asyncwait()) {
            int error = Send(AsyncWaitRequest);
            if (!error)
                error = Receive(Rsp);
            if (error)
                return error;
        }
        return Fail(rpc::Success, "");
    }

    void Close() {
        if (Fd >= 0)
            close(Fd);
        Fd = -1;
    }

    // Bounds each send and each receive by seconds (0 or negative: no bound).
    void SetDeadline(int seconds) {
        timeval tv = {};
        if (seconds > 0)
            tv.tv_sec = seconds;
        setsockopt(Fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        setsockopt(Fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    }

    int Send(const rpc::TContainerRequest &request) {
        std::string body;
        if (!request.SerializeToString(&body))
            return Fail(rpc::InvalidValue, "the request lacks a required field: " + request.InitializationErrorString());
        std::string frame;
        for (uint64_t length = body.size(); ; length >>= 7) {
            if (length < 0x80) {
                frame.push_back(static_cast<char>(length));
                break;
            }
            frame.push_back(static_cast<char>((length & 0x7f) | 0x80));
        }
        frame += body;
        for (size_t sent = 0; sent < frame.size();) {
            ssize_t count = send(Fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
            if (count < 0) {
                if (errno == EINTR)
                    continue;
                return SocketFailure("send", errno);
            }
            sent += count;
        }
        return rpc::Success;
    }

    int ReadExactly(char *buffer, size_t size) {
        for (size_t done = 0; done < size;) {
            ssize_t count = recv(Fd, buffer + done, size - done, 0);
            if (count < 0 && errno == EINTR)
                continue;
            if (count < 0)
                return SocketFailure("recv", errno);
            if (count == 0) {
                Close();
                return Fail(rpc::SocketError, "the daemon closed the connection");
            }
            done += count;
        }
        return rpc::Success;
    }

    // Reads the next message, whatever it is.
    int ReadMessage(rpc::TContainerResponse &response) {
        uint64_t length = 0;
        for (int shift = 0;; shift += 7) {
            char byte;
            if (int error = ReadExactly(&byte, 1))
                return error;
            length |= uint64_t(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                break;
            if (shift > 56)
                return Fail(rpc::SocketError, "malformed length in the answer");
        }
        if (length > MAX_MESSAGE) {
            Close();
            return Fail(rpc::SocketError, "answer of " + std::to_string(length) + " bytes");
        }
        std::string body(length, '\0');
        if (int error = ReadExactly(&body[0], length))
            return error;
        if (!response.ParseFromString(body)) {
            Close();
            return Fail(rpc::SocketError, "the answer is not a TContainerResponse");
        }
        return rpc::Success;
    }

    void Report(const rpc::TContainerWaitResponse &wait) {
        if (!AsyncWaitCallback)
            return;
        AsyncWaitEvent event;
        event.When = wait.when();
        event.Name = wait.name();
        event.State = wait.state();
        event.Label = wait.label();
        event.Value = wait.value();
        AsyncWaitCallback(event);
    }

    // Reads the answer, handing the AsyncWait reports that come before it to their callback.
    int Receive(rpc::TContainerResponse &response) {
        for (;;) {
            response.Clear();
            if (int error = ReadMessage(response))
                return error;
            if (!response.has_asyncwait())
                return rpc::Success;
            Report(response.asyncwait());
        }
    }

    int Call(const rpc::TContainerRequest &request, rpc::TContainerResponse &response, int extra_timeout) {
        bool fresh = Fd < 0;
        if (fresh) {
            if (int error = Connect())
                return error;
        }
        int seconds = Timeout <= 0 ? 0 : extra_timeout < 0 ? 0 : Timeout + extra_timeout;
        SetDeadline(seconds);
        int error = Send(request);
        if (error == rpc::SocketError && !fresh) {
            // The daemon went away since the last call (a reload): connect once more and resend.
            if ((error = Connect()) == rpc::Success) {
                SetDeadline(seconds);
                error = Send(request);
            }
        }
        if (!error)
            error = Receive(response);
        if (error)
            return error;
        Timestamp = response.timestamp();
        return Fail(response.error(), response.errormsg());
    }

    // Sends Req with its name field set: the requests that name one container and nothing else.
    template <typename Request>
    int CallNamed(Request *request, const std::string &name) {
        request->set_name(name);
        return Call();
    }

    int Call(int extra_timeout = 0) {
        int error = Call(Req, Rsp, extra_timeout);
        Req.Clear();
        return error;
    }
};

Connection::Connection() : Impl(new ConnectionImpl()) {}

int Connection::SocketFd() const { return Impl->Fd; }
Connection::Connection(const std::string &socketPath) : Impl(new ConnectionImpl()) { Impl->SocketPath = socketPath; }
Connection::~Connection() = default;

int Connection::Connect() { return Impl->Connect(); }
void Connection::Close() { Impl->Close(); }

int Connection::GetTimeout() const { return Impl->Timeout; }
int Connection::SetTimeout(int timeout) { Impl->Timeout = timeout; return rpc::Success; }
int Connection::GetDiskTimeout() const { return Impl->DiskTimeout; }
int Connection::SetDiskTimeout(int timeout) { Impl->DiskTimeout = timeout; return rpc::Success; }

std::string Connection::GetLastError() const {
    return ErrorName(Impl->LastError) + ":(" + Impl->LastErrorMsg + ")";
}

void Connection::GetLastError(int &error, std::string &msg) const {
    error = Impl->LastError;
    msg = Impl->LastErrorMsg;
}

uint64_t Connection::ResponseTimestamp() const { return Impl->Timestamp; }

int Connection::Call(const rpc::TContainerRequest &req, rpc::TContainerResponse &rsp, int extra_timeout) {
    return Impl->Call(req, rsp, extra_timeout);
}

int Connection::Call(const std::string &req, std::string &rsp, int extra_timeout) {
    rpc::TContainerRequest request;
    if (!google::protobuf::TextFormat::ParseFromString(req, &request))
        return Impl->Fail(rpc::InvalidValue, "not a TContainerRequest in text format: " + req);
    rpc::TContainerResponse response;
    int error = Impl->Call(request, response, extra_timeout);
    rsp.clear();
    google::protobuf::TextFormat::PrintToString(response, &rsp);
    return error;
}

int Connection::Create(const std::string &name) { return Impl->CallNamed(Impl->Req.mutable_create(), name); }
int Connection::CreateWeakContainer(const std::string &name) { return Impl->CallNamed(Impl->Req.mutable_createweak(), name); }
int Connection::Destroy(const std::string &name) { return Impl->CallNamed(Impl->Req.mutable_destroy(), name); }
int Connection::Start(const std::string &name) { return Impl->CallNamed(Impl->Req.mutable_start(), name); }

int Connection::Stop(const std::string &name, int timeout) {
    auto *stop = Impl->Req.mutable_stop();
    stop->set_name(name);
    if (timeout >= 0)
        stop->set_timeout_ms(uint32_t(timeout) * 1000);
    return Impl->Call(timeout >= 0 ? timeout : 0);
}

int Connection::Kill(const std::string &name, int sig) {
    Impl->Req.mutable_kill()->set_name(name);
    Impl->Req.mutable_kill()->set_sig(sig);
    return Impl->Call();
}

int Connection::Pause(const std::string &name) { return Impl->CallNamed(Impl->Req.mutable_pause(), name); }
int Connection::Resume(const std::string &name) { return Impl->CallNamed(Impl->Req.mutable_resume(), name); }
int Connection::Respawn(const std::string &name) { return Impl->CallNamed(Impl->Req.mutable_respawn(), name); }

int Connection::WaitContainers(const std::vector<std::string> &containers, const std::vector<std::string> &labels,
                               std::string &name, int timeout) {
    auto *wait = Impl->Req.mutable_wait();
    for (const auto &container : containers)
        wait->add_name(container);
    for (const auto &label : labels)
        wait->add_label(label);
    if (timeout >= 0)
        wait->set_timeout_ms(uint32_t(timeout) * 1000);
    int error = Impl->Call(timeout >= 0 ? timeout : -1);
    name = error ? "" : Impl->Rsp.wait().name();
    return error;
}

int Connection::AsyncWait(const std::vector<std::string> &containers, const std::vector<std::string> &labels,
                          std::function<void(AsyncWaitEvent &event)> callback, int timeout,
                          const std::string &targetState) {
    rpc::TContainerRequest request;
    auto *wait = request.mutable_asyncwait();
    for (const auto &container : containers)
        wait->add_name(container);
    for (const auto &label : labels)
        wait->add_label(label);
    if (timeout >= 0)
        wait->set_timeout_ms(uint32_t(timeout) * 1000);
    SetIfGiven(wait, target_state, targetState);
    Impl->AsyncWaitCallback = std::move(callback);
    Impl->AsyncWaitRequest = request;
    int error = Impl->Call(request, Impl->Rsp, 0);
    if (error) {
        Impl->AsyncWaitCallback = nullptr;
        Impl->AsyncWaitRequest.Clear();
    }
    return error;
}

int Connection::StopAsyncWait(const std::vector<std::string> &containers, const std::vector<std::string> &labels,
                              const std::string &targetState) {
    auto *wait = Impl->Req.mutable_stopasyncwait();
    for (const auto &container : containers)
        wait->add_name(container);
    for (const auto &label : labels)
        wait->add_label(label);
    SetIfGiven(wait, target_state, targetState);
    int error = Impl->Call();
    // As upstream, the callback stays for the waits not stopped; a reconnect no longer waits again.
    if (!error)
        Impl->AsyncWaitRequest.Clear();
    return error;
}

int Connection::Recv() {
    if (Impl->Fd < 0)
        return Impl->Fail(rpc::SocketError, "not connected");
    Impl->SetDeadline(Impl->Timeout);
    rpc::TContainerResponse response;
    if (int error = Impl->ReadMessage(response))
        return error;
    if (response.has_asyncwait())
        Impl->Report(response.asyncwait());
    return Impl->Fail(response.error(), response.errormsg());
}

int Connection::List(std::vector<std::string> &list, const std::string &mask) {
    auto *request = Impl->Req.mutable_list();
    SetIfGiven(request, mask, mask);
    int error = Impl->Call();
    list.clear();
    if (!error)
        list.assign(Impl->Rsp.list().name().begin(), Impl->Rsp.list().name().end());
    return error;
}

int Connection::ListProperties(std::vector<Property> &list) {
    Impl->Req.mutable_propertylist();
    int error = Impl->Call();
    list.clear();
    if (!error) {
        for (const auto &entry : Impl->Rsp.propertylist().list())
            list.push_back({entry.name(), entry.desc(), entry.read_only(), entry.dynamic()});
    }
    return error;
}

int Connection::Get(const std::vector<std::string> &name, const std::vector<std::string> &variable,
                    std::map<std::string, std::map<std::string, GetResponse>> &result, int flags) {
    auto *get = Impl->Req.mutable_get();
    for (const auto &container : name)
        get->add_name(container);
    for (const auto &key : variable)
        get->add_variable(key);
    get->set_nonblock(flags & NonBlock);
    get->set_sync(flags & Sync);
    get->set_real(flags & Real);
    int error = Impl->Call();
    result.clear();
    if (error)
        return error;
    for (const auto &container : Impl->Rsp.get().list()) {
        auto &values = result[container.name()];
        for (const auto &item : container.keyval())
            values[item.variable()] = {item.value(), item.error(), item.errormsg()};
    }
    return error;
}

int Connection::GetProperty(const std::string &name, const std::string &property, std::string &value, int flags) {
    auto *get = Impl->Req.mutable_getproperty();
    get->set_name(name);
    get->set_property(property);
    get->set_sync(flags & Sync);
    get->set_real(flags & Real);
    int error = Impl->Call();
    value = error ? "" : Impl->Rsp.getproperty().value();
    return error;
}

int Connection::SetProperty(const std::string &name, const std::string &property, std::string value) {
    auto *set = Impl->Req.mutable_setproperty();
    set->set_name(name);
    set->set_property(property);
    set->set_value(value);
    return Impl->Call();
}

int Connection::IncLabel(const std::string &name, const std::string &label, int64_t add, int64_t &result) {
    auto *inc = Impl->Req.mutable_inclabel();
    inc->set_name(name);
    inc->set_label(label);
    inc->set_add(add);
    int error = Impl->Call();
    result = error ? 0 : Impl->Rsp.inclabel().result();
    return error;
}

int Connection::SetLabel(const std::string &name, const std::string &label, const std::string &value,
                         const std::string &prev_value) {
    auto *set = Impl->Req.mutable_setlabel();
    set->set_name(name);
    set->set_label(label);
    set->set_value(value);
    SetIfGiven(set, prev_value, prev_value);
    return Impl->Call();
}

int Connection::GetVersion(std::string &tag, std::string &revision) {
    Impl->Req.mutable_version();
    int error = Impl->Call();
    tag = error ? "" : Impl->Rsp.version().tag();
    revision = error ? "" : Impl->Rsp.version().revision();
    return error;
}

int Connection::ListVolumeProperties(std::vector<Property> &list) {
    Impl->Req.mutable_listvolumeproperties();
    int error = Impl->Call();
    list.clear();
    if (!error) {
        for (const auto &property : Impl->Rsp.volumepropertylist().properties())
            list.push_back({property.name(), property.desc(), false, false});
    }
    return error;
}

int Connection::CreateVolume(const std::string &path, const std::map<std::string, std::string> &config,
                             Volume &result) {
    auto *create = Impl->Req.mutable_createvolume();
    SetIfGiven(create, path, path);
    FillProperties(config, create->mutable_properties());
    int error = Impl->Call(Impl->DiskTimeout);
    result = error ? Volume() : VolumeOf(Impl->Rsp.volumedescription());
    return error;
}

int Connection::CreateVolume(std::string &path, const std::map<std::string, std::string> &config) {
    Volume volume;
    int error = CreateVolume(path, config, volume);
    if (!error)
        path = volume.Path;
    return error;
}

int Connection::LinkVolume(const std::string &path, const std::string &container, const std::string &target,
                           bool read_only, bool required) {
    // A link with a target or required needs the newer request; the plain one suits every daemon.
    bool plain = target.empty() && !required;
    auto *link = plain ? Impl->Req.mutable_linkvolume() : Impl->Req.mutable_linkvolumetarget();
    link->set_path(path);
    SetIfGiven(link, container, container);
    SetIfGiven(link, target, target);
    link->set_read_only(read_only);
    link->set_required(required);
    return Impl->Call(Impl->DiskTimeout);
}

int Connection::UnlinkVolume(const std::string &path, const std::string &container, const std::string &target,
                             bool strict) {
    bool plain = target == "***";  // every link of the container: the old request's meaning
    auto *unlink = plain ? Impl->Req.mutable_unlinkvolume() : Impl->Req.mutable_unlinkvolumetarget();
    unlink->set_path(path);
    SetIfGiven(unlink, container, container);
    if (!plain)
        unlink->set_target(target);
    unlink->set_strict(strict);
    return Impl->Call(Impl->DiskTimeout);
}

int Connection::ListVolumes(const std::string &path, const std::string &container, std::vector<Volume> &volumes) {
    auto *list = Impl->Req.mutable_listvolumes();
    SetIfGiven(list, path, path);
    SetIfGiven(list, container, container);
    int error = Impl->Call();
    volumes.clear();
    if (!error) {
        for (const auto &description : Impl->Rsp.volumelist().volumes())
            volumes.push_back(VolumeOf(description));
    }
    return error;
}

int Connection::TuneVolume(const std::string &path, const std::map<std::string, std::string> &config) {
    auto *tune = Impl->Req.mutable_tunevolume();
    tune->set_path(path);
    FillProperties(config, tune->mutable_properties());
    return Impl->Call(Impl->DiskTimeout);
}

int Connection::CheckVolume(const std::string &path, std::string &message) {
    Impl->Req.mutable_checkvolume()->set_path(path);
    int error = Impl->Call(Impl->DiskTimeout);
    message = error ? "" : Impl->Rsp.checkvolume().message();
    return error;
}

int Connection::ImportLayer(const std::string &layer, const std::string &tarball, bool merge,
                            const std::string &place, const std::string &private_value,
                            const std::string & /* memCgroup: not sent by this client */, bool verboseError) {
    auto *import = Impl->Req.mutable_importlayer();
    import->set_layer(layer);
    import->set_tarball(tarball);
    import->set_merge(merge);
    SetIfGiven(import, place, place);
    SetIfGiven(import, private_value, private_value);
    import->set_verbose_error(verboseError);
    return Impl->Call(Impl->DiskTimeout);
}

int Connection::ExportLayer(const std::string &volume, const std::string &tarball, const std::string &compress) {
    auto *exported = Impl->Req.mutable_exportlayer();
    exported->set_volume(volume);
    exported->set_tarball(tarball);
    SetIfGiven(exported, compress, compress);
    return Impl->Call(Impl->DiskTimeout);
}

int Connection::RemoveLayer(const std::string &layer, const std::string &place, bool async) {
    auto *remove = Impl->Req.mutable_removelayer();
    remove->set_layer(layer);
    SetIfGiven(remove, place, place);
    remove->set_async(async);
    return Impl->Call(Impl->DiskTimeout);
}

int Connection::ListLayers(std::vector<Layer> &layers, const std::string &place, const std::string &mask) {
    auto *list = Impl->Req.mutable_listlayers();
    SetIfGiven(list, place, place);
    SetIfGiven(list, mask, mask);
    int error = Impl->Call();
    layers.clear();
    if (error)
        return error;
    for (const auto &layer : Impl->Rsp.layers().layers())
        layers.push_back({layer.name(), layer.owner_user(), layer.owner_group(), layer.private_value(),
                          layer.last_usage()});
    if (Impl->Rsp.layers().layers().empty()) {
        for (const auto &name : Impl->Rsp.layers().layer())
            layers.push_back({name, "", "", "", 0});
    }
    return error;
}

int Connection::GetLayerPrivate(std::string &private_value, const std::string &layer, const std::string &place) {
    auto *get = Impl->Req.mutable_getlayerprivate();
    get->set_layer(layer);
    SetIfGiven(get, place, place);
    int error = Impl->Call();
    private_value = error ? "" : Impl->Rsp.layer_private().private_value();
    return error;
}

int Connection::SetLayerPrivate(const std::string &private_value, const std::string &layer,
                                const std::string &place) {
    auto *set = Impl->Req.mutable_setlayerprivate();
    set->set_layer(layer);
    set->set_private_value(private_value);
    SetIfGiven(set, place, place);
    return Impl->Call();
}

int Connection::DockerImageStatus(DockerImage &image, const std::string &name, const std::string &place) {
    auto *status = Impl->Req.mutable_dockerimagestatus();
    status->set_name(name);
    SetIfGiven(status, place, place);
    int error = Impl->Call();
    image = error ? DockerImage() : DockerImage(Impl->Rsp.dockerimagestatus().image());
    return error;
}

int Connection::ListDockerImages(std::vector<DockerImage> &images, const std::string &place,
                                 const std::string &mask) {
    auto *list = Impl->Req.mutable_listdockerimages();
    SetIfGiven(list, place, place);
    SetIfGiven(list, mask, mask);
    int error = Impl->Call();
    images.clear();
    if (!error) {
        for (const auto &image : Impl->Rsp.listdockerimages().images())
            images.emplace_back(image);
    }
    return error;
}

int Connection::PullDockerImage(DockerImage &image, const std::string &name, const std::string &place,
                                const std::string &auth_token, const std::string &auth_path,
                                const std::string &auth_service) {
    auto *pull = Impl->Req.mutable_pulldockerimage();
    pull->set_name(name);
    SetIfGiven(pull, place, place);
    SetIfGiven(pull, auth_token, auth_token);
    SetIfGiven(pull, auth_path, auth_path);
    SetIfGiven(pull, auth_service, auth_service);
    int error = Impl->Call(Impl->DiskTimeout);
    image = error ? DockerImage() : DockerImage(Impl->Rsp.pulldockerimage().image());
    return error;
}

int Connection::RemoveDockerImage(const std::string &name, const std::string &place) {
    auto *remove = Impl->Req.mutable_removedockerimage();
    remove->set_name(name);
    SetIfGiven(remove, place, place);
    return Impl->Call();
}

const rpc::TStorageListResponse *Connection::ListStorage(const std::string &place, const std::string &mask) {
    auto *list = Impl->Req.mutable_liststorage();
    SetIfGiven(list, place, place);
    SetIfGiven(list, mask, mask);
    return Impl->Call() ? nullptr : &Impl->Rsp.storagelist();
}

int Connection::RemoveStorage(const std::string &name, const std::string &place) {
    auto *remove = Impl->Req.mutable_removestorage();
    remove->set_name(name);
    SetIfGiven(remove, place, place);
    return Impl->Call(Impl->DiskTimeout);
}

int Connection::ImportStorage(const std::string &name, const std::string &archive, const std::string &place,
                              const std::string &compression, const std::string &private_value) {
    auto *import = Impl->Req.mutable_importstorage();
    import->set_name(name);
    import->set_tarball(archive);
    SetIfGiven(import, place, place);
    SetIfGiven(import, compress, compression);
    SetIfGiven(import, private_value, private_value);
    return Impl->Call(Impl->DiskTimeout);
}

int Connection::ExportStorage(const std::string &name, const std::string &archive, const std::string &place,
                              const std::string &compression) {
    auto *exported = Impl->Req.mutable_exportstorage();
    exported->set_name(name);
    exported->set_tarball(archive);
    SetIfGiven(exported, place, place);
    SetIfGiven(exported, compress, compression);
    return Impl->Call(Impl->DiskTimeout);
}

int Connection::ConvertPath(const std::string &path, const std::string &src, const std::string &dest,
                            std::string &res) {
    auto *convert = Impl->Req.mutable_convertpath();
    convert->set_path(path);
    convert->set_source(src);
    convert->set_destination(dest);
    int error = Impl->Call();
    res = error ? "" : Impl->Rsp.convertpath().path();
    return error;
}

int Connection::AttachProcess(const std::string &name, int pid, const std::string &comm) {
    auto *attach = Impl->Req.mutable_attachprocess();
    attach->set_name(name);
    attach->set_pid(pid);
    attach->set_comm(comm);
    return Impl->Call();
}

int Connection::AttachThread(const std::string &name, int pid, const std::string &comm) {
    auto *attach = Impl->Req.mutable_attachthread();
    attach->set_name(name);
    attach->set_pid(pid);
    attach->set_comm(comm);
    return Impl->Call();
}

int Connection::LocateProcess(int pid, const std::string &comm, std::string &name) {
    auto *locate = Impl->Req.mutable_locateprocess();
    locate->set_pid(pid);
    locate->set_comm(comm);
    int error = Impl->Call();
    name = error ? "" : Impl->Rsp.locateprocess().name();
    return error;
}

int Connection::GetContainerSpec(const std::string &name, rpc::TContainer &container) {
    rpc::TListContainersRequest request;
    request.add_filters()->set_name(name);
    std::vector<rpc::TContainer> containers;
    if (int error = ListContainersBy(request, containers))
        return error;
    if (containers.empty())
        return Impl->Fail(rpc::ContainerDoesNotExist, "container " + name + " not found");
    container = containers.front();
    return rpc::Success;
}

int Connection::ListContainersBy(const rpc::TListContainersRequest &listContainersRequest,
                                 std::vector<rpc::TContainer> &containers) {
    *Impl->Req.mutable_listcontainersby() = listContainersRequest;
    int error = Impl->Call();
    containers.clear();
    if (!error) {
        for (const auto &container : Impl->Rsp.listcontainersby().containers())
            containers.push_back(container);
    }
    return error;
}

int Connection::CreateFromSpec(const rpc::TContainerSpec &container, std::vector<rpc::TVolumeSpec> volumes,
                               bool start) {
    auto *create = Impl->Req.mutable_createfromspec();
    *create->mutable_container() = container;
    for (auto &volume : volumes)
        *create->add_volumes() = volume;
    create->set_start(start);
    return Impl->Call(volumes.empty() ? 0 : Impl->DiskTimeout);
}

int Connection::UpdateFromSpec(const rpc::TContainerSpec &container) {
    *Impl->Req.mutable_updatefromspec()->mutable_container() = container;
    return Impl->Call();
}

int Connection::ListVolumesBy(const rpc::TGetVolumeRequest &getVolumeRequest, std::vector<rpc::TVolumeSpec> &volumes) {
    *Impl->Req.mutable_getvolume() = getVolumeRequest;
    int error = Impl->Call();
    volumes.clear();
    if (!error)
        volumes.assign(Impl->Rsp.getvolume().volume().begin(), Impl->Rsp.getvolume().volume().end());
    return error;
}

int Connection::CreateVolumeFromSpec(const rpc::TVolumeSpec &volume, rpc::TVolumeSpec &resultSpec) {
    *Impl->Req.mutable_newvolume()->mutable_volume() = volume;
    int error = Impl->Call(Impl->DiskTimeout);
    if (!error)
        resultSpec = Impl->Rsp.newvolume().volume();
    return error;
}

}  // namespace Porto
