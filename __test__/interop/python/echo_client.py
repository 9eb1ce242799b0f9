"""Python `websockets` client for the interop test: connects with permessage-deflate
offered (the library's default), sends text, binary, empty and 1 MiB messages, checks each
echo and the negotiated extension, closes with 4000, prints a JSON summary."""
import asyncio
import json
import sys

from websockets.asyncio.client import connect


async def main(url):
    messages = ["hello", "é" * 1000, b"\x00\x01\x02", b"", "x" * (1 << 20), bytes(range(256)) * 300]
    async with connect(url, max_size=None) as ws:
        extensions = [e.name for e in ws.protocol.extensions]
        echoed = []
        for m in messages:
            await ws.send(m)
            echoed.append((await ws.recv()) == m)
        await ws.close(4000, "bye")
    print(json.dumps({"echoed": echoed, "extensions": extensions}))


asyncio.run(main(sys.argv[1]))
