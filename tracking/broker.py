"""The laptop's filesystem broker, made safe for a producer and a consumer at the same time.

kombu's filesystem transport writes a message in place (open, then write), so a worker listing
the folder can take the file while it is still empty and crash on the half-written message. Here
a message is written under a name no consumer matches, then renamed into place: rename is atomic,
so a consumer sees whole messages or none. Production uses Redis or RabbitMQ instead.
"""

import os
import time
import uuid

from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

PARTIAL_SUFFIX = ".part"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(time.monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, name)
        with open(path + PARTIAL_SUFFIX, "wb") as partial:
            partial.write(str_to_bytes(dumps(payload)))
        os.replace(path + PARTIAL_SUFFIX, path)


class Transport(filesystem.Transport):
    Channel = Channel
