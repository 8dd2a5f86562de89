"""Entry point of the child process that writes roster files: `python -m doudi.synth.child`."""

import sys

from doudi.synth.background import serve

if __name__ == "__main__":
    serve(sys.stdin.buffer)
