// AsyncWaiter (declared in libporto.hpp): a thread of its own that keeps one AsyncWait per
// connection for every watched container and calls each container's callback when its state
// changes; Add and Remove reach that thread over a socket pair, so only it touches its Api.
#include "libporto.hpp"

#include <cerrno>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rpc.pb.h"

namespace Porto {

AsyncWaiter::AsyncWaiter(std::function<void(const std::string &error, int ret)> fatalCallback)
    : FatalCallback(std::move(fatalCallback)) {
    Start();
}

AsyncWaiter::AsyncWaiter(std::function<void(const std::string &error, int ret)> fatalCallback,
                         const std::string &socketPath)
    : Api(socketPath), FatalCallback(std::move(fatalCallback)) {
    Start();
}

void AsyncWaiter::Start() {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair)) {
        Fatal("cannot make a socket pair", errno);
        return;
    }
    Caller = pair[0];
    Waiter = pair[1];
    Api.SetTimeout(INFINITE_TIMEOUT);  // a report may come at any time: never time out in Recv
    if (int error = Api.Connect()) {
        Fatal("cannot connect to portod: " + Api.GetLastError(), error);
        return;
    }
    Epoll = epoll_create1(EPOLL_CLOEXEC);
    if (Epoll < 0) {
        Fatal("epoll_create1", errno);
        return;
    }
    epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.fd = Waiter;
    if (epoll_ctl(Epoll, EPOLL_CTL_ADD, Waiter, &ev)) {
        Fatal("epoll_ctl", errno);
        return;
    }
    if (!Rewatch())
        return;
    Thread = std::thread(&AsyncWaiter::Loop, this);
}

AsyncWaiter::~AsyncWaiter() {
    if (Thread.joinable()) {
        Tell(Caller, static_cast<int>(Order::Stop));
        Thread.join();
    }
    for (int fd : {Epoll, Caller, Waiter})
        if (fd >= 0)
            close(fd);
}

int AsyncWaiter::Add(const std::string &ct, const std::string &state, std::function<void(AsyncWaitEvent &event)> callback) {
    std::lock_guard<std::mutex> hold(OrderLock);
    if (Failed)
        return -1;
    OrderCt = ct;
    OrderState = state;
    OrderCallback = std::move(callback);
    int result = -1;
    if (!Tell(Caller, static_cast<int>(Order::Add)) || !Hear(Caller, result))
        return -1;
    return result;
}

int AsyncWaiter::Remove(const std::string &ct) {
    std::lock_guard<std::mutex> hold(OrderLock);
    if (Failed)
        return -1;
    OrderCt = ct;
    int result = -1;
    if (!Tell(Caller, static_cast<int>(Order::Remove)) || !Hear(Caller, result))
        return -1;
    return result;
}

void AsyncWaiter::Loop() {
    for (;;) {
        epoll_event events[2];
        int ready = epoll_wait(Epoll, events, 2, -1);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            Fatal("epoll_wait", errno);
            return;
        }
        for (int i = 0; i < ready; i++) {
            if (events[i].data.fd == Waiter) {
                int order = 0;
                if (!Hear(Waiter, order))
                    return;
                if (order == static_cast<int>(Order::Stop))
                    return;
                int result = 0;
                if (order == static_cast<int>(Order::Add)) {
                    auto before = Watches.find(OrderCt);
                    bool had = before != Watches.end();
                    Watch previous = had ? before->second : Watch{};
                    Watches[OrderCt] = Watch{OrderState, std::move(OrderCallback)};
                    result = Follow();
                    if (result) {  // as it was before
                        if (had)
                            Watches[OrderCt] = previous;
                        else
                            Watches.erase(OrderCt);
                        Follow();
                    }
                } else if (Watches.erase(OrderCt)) {
                    result = Follow();
                }
                Tell(Waiter, result);
                if (!Rewatch())  // a request may have connected again by itself (a reload)
                    return;
            } else if (events[i].data.fd == Watched) {
                // An order handled just before may have read this report already (with its answer).
                pollfd still = {Api.SocketFd(), POLLIN, 0};
                if (poll(&still, 1, 0) <= 0)
                    continue;
                int error = Api.Recv();
                // The daemon went away (a reload): connect again and wait again for everything.
                if ((error == rpc::SocketError || error == rpc::SocketUnavailable) && !Reconnect())
                    return;
            }
        }
    }
}

// The daemon keeps one AsyncWait per connection (upstream's does too), so one wait covers every
// container watched, with no target state: each report is matched against its container's state here.
int AsyncWaiter::Follow() {
    std::vector<std::string> names;
    for (const auto &watch : Watches)
        names.push_back(watch.first);
    if (names.empty()) {
        int result = Following.empty() ? 0 : Api.StopAsyncWait(Following, {});
        Following.clear();
        return result;
    }
    int result = Api.AsyncWait(names, {}, [this](AsyncWaitEvent &event) { Report(event); }, INFINITE_TIMEOUT);
    if (!result)
        Following = names;
    return result;
}

bool AsyncWaiter::Reconnect() {
    if (int error = Api.Connect()) {
        Fatal("cannot connect to portod again: " + Api.GetLastError(), error);
        return false;
    }
    if (int error = Follow()) {
        Fatal("cannot wait again: " + Api.GetLastError(), error);
        return false;
    }
    return Rewatch();
}

// Makes epoll watch the connection's socket. A closed socket leaves the set by itself, and the one
// a reconnect opens often has its number: so the number alone does not tell whether it is watched.
bool AsyncWaiter::Rewatch() {
    int fd = Api.SocketFd();
    if (fd < 0) {
        Fatal("not connected to portod", rpc::SocketError);
        return false;
    }
    epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(Epoll, EPOLL_CTL_MOD, fd, &ev) && (errno != ENOENT || epoll_ctl(Epoll, EPOLL_CTL_ADD, fd, &ev))) {
        Fatal("epoll_ctl", errno);
        return false;
    }
    Watched = fd;
    return true;
}

void AsyncWaiter::Report(AsyncWaitEvent &event) {
    Reports++;
    auto found = Watches.find(event.Name);
    if (found == Watches.end() || found->second.State != event.State)
        return;
    Callback then = std::move(found->second.Then);
    Watches.erase(found);  // once only
    then(event);
}

void AsyncWaiter::Fatal(const std::string &error, int ret) {
    Failed = true;
    if (FatalCallback)
        FatalCallback(error, ret);
}

bool AsyncWaiter::Tell(int fd, int value) {
    if (write(fd, &value, sizeof(value)) == sizeof(value))
        return true;
    Fatal("cannot write to the waiter's socket pair", errno);
    return false;
}

bool AsyncWaiter::Hear(int fd, int &value) {
    ssize_t got;
    do {
        got = read(fd, &value, sizeof(value));
    } while (got < 0 && errno == EINTR);
    if (got == sizeof(value))
        return true;
    Fatal("cannot read from the waiter's socket pair", got < 0 ? errno : 0);
    return false;
}

}  // namespace Porto
