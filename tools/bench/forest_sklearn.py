#!/usr/bin/env python3
"""sklearn reference for tools/bench/forest.bench.ts.

Usage: /usr/bin/python3 forest_sklearn.py DATA_DIR [--trees 10] [--depth 19] [--max-features 10] [--jobs 2] [--seed 0]

Reads X_train.npy (float32 rows x cols), y_train.npy (int32), X_test.npy, y_test.npy
from DATA_DIR, fits sklearn's RandomForestClassifier and prints one JSON line:
{"sklearn": ..., "fit_s": ..., "fit_cpu_s": ..., "predict_s": ..., "accuracy": ..., "peak_rss_mb": ...}.
"""
import argparse
import json
import os
import resource
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir")
    ap.add_argument("--trees", type=int, default=10)
    ap.add_argument("--depth", type=int, default=19)
    ap.add_argument("--max-features", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    d = a.data_dir
    X_train = np.load(os.path.join(d, "X_train.npy"))
    y_train = np.load(os.path.join(d, "y_train.npy"))
    X_test = np.load(os.path.join(d, "X_test.npy"))
    y_test = np.load(os.path.join(d, "y_test.npy"))

    clf = RandomForestClassifier(
        n_estimators=a.trees,
        max_depth=a.depth,
        max_features=a.max_features,
        n_jobs=a.jobs,
        random_state=a.seed,
    )
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    clf.fit(X_train, y_train)
    fit_s = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    fit_cpu_s = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
    t0 = time.perf_counter()
    proba = clf.predict_proba(X_test)
    predict_s = time.perf_counter() - t0
    pred = clf.classes_[proba.argmax(axis=1)]
    acc = float((pred == y_test).mean())
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    nodes = int(sum(e.tree_.node_count for e in clf.estimators_))
    print(json.dumps({
        "sklearn": sklearn.__version__,
        "rows": int(X_train.shape[0]),
        "cols": int(X_train.shape[1]),
        "fit_s": fit_s,
        "fit_cpu_s": fit_cpu_s,
        "loadavg_after_fit": os.getloadavg()[0],
        "predict_s": predict_s,
        "accuracy": acc,
        "nodes": nodes,
        "peak_rss_mb": peak_kb / 1024.0,
    }))


if __name__ == "__main__":
    main()
