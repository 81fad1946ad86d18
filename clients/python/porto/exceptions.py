"""One exception class per Porto error code (the EError enum of rpc.proto).

The classes are made from the generated rpc_pb2 module, so a code added to
rpc.proto gets its class without touching this file.  Each class carries its
number in EID; PortoException.Create maps an answer's code to its class.
"""

from . import rpc_pb2


class PortoException(Exception):
    EID = None
    __TYPES__ = {}

    @classmethod
    def Create(cls, eid, msg):
        """The exception of code eid with message msg (Unknown for a code we do not know)."""
        kind = cls.__TYPES__.get(eid, cls.__TYPES__[rpc_pb2.Unknown])
        return kind(msg)

    def __str__(self):
        return '{}: {}'.format(type(self).__name__, Exception.__str__(self))


def _define_error_classes():
    for name, number in rpc_pb2.EError.items():
        kind = type(name, (PortoException,), {'EID': number, '__module__': __name__})
        PortoException.__TYPES__[number] = kind
        globals()[name] = kind


_define_error_classes()


class WaitContainerTimeout(PortoException):
    """WaitContainers saw no container finish before its timeout."""


# Names upstream's clients also use.
EError = PortoException
PermissionError = globals()['Permission']
UnknownError = globals()['Unknown']
