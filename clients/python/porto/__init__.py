"""Python client of Porto, the container manager (this repository's portod).

    import porto
    conn = porto.Connection()
    ct = conn.Run("hello", command="echo hello", wait=10)
    print(ct["stdout"], ct["exit_status"])
    ct.Destroy()
"""

from . import exceptions
from .api import Connection, Container, Property
from .volumes import Layer, MetaStorage, Storage, Volume, VolumeLink

__all__ = ['Connection', 'Container', 'Property', 'Volume', 'VolumeLink', 'Layer', 'Storage', 'MetaStorage', 'exceptions']
