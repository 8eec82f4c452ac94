"""Train the 64-16-16-10 sigmoid digit network and save its weights.

    python scripts/train_digits.py

Deterministic: a fixed initialisation seed, a fixed shuffling seed and the
project's fixed held-out split (engine.digits.digit_split), so with the same
numpy it rewrites assets/weights/digits-64-16-16-10.npz byte for byte.
Prints the training and held-out accuracy.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import Network, accuracy, digit_split, load_digits, one_hot, save_network, train  # noqa: E402
from engine.digits import DIGIT_SIZES, WEIGHTS_PATH  # noqa: E402

INIT_SEED = 0
SHUFFLE_SEED = 1
EPOCHS = 30
BATCH_SIZE = 16
LEARNING_RATE = 2.0


def main() -> None:
    X, labels = load_digits()
    train_idx, test_idx = digit_split()
    start = time.perf_counter()
    net0 = Network.random(DIGIT_SIZES, seed=INIT_SEED, activation="sigmoid")
    net, history = train(net0, X[train_idx], one_hot(labels[train_idx]), epochs=EPOCHS,
                         batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE, seed=SHUFFLE_SEED)
    seconds = time.perf_counter() - start
    WEIGHTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    save_network(net, WEIGHTS_PATH)
    digest = hashlib.sha256(WEIGHTS_PATH.read_bytes()).hexdigest()[:16]
    print(f"trained {'-'.join(map(str, DIGIT_SIZES))} sigmoid: {EPOCHS} epochs, batch {BATCH_SIZE}, "
          f"learning rate {LEARNING_RATE}, {len(history.costs)} steps in {seconds:.2f} s")
    print(f"mean cost on the training set: {history.epoch_costs[0]:.4f} -> {history.epoch_costs[-1]:.4f}")
    print(f"train accuracy: {accuracy(net, X[train_idx], labels[train_idx]):.4f} "
          f"({len(train_idx)} digits)")
    print(f"test accuracy:  {accuracy(net, X[test_idx], labels[test_idx]):.4f} "
          f"({len(test_idx)} held-out digits)")
    where = WEIGHTS_PATH.relative_to(WEIGHTS_PATH.parents[2])
    print(f"wrote {where} ({WEIGHTS_PATH.stat().st_size} bytes, sha256 {digest}...)")


if __name__ == "__main__":
    main()
