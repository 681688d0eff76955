#!/usr/bin/env bash
# Rewrites the expected grades CSVs after an intended change: review the diff before committing.
#   tests/grade/update.sh [BUILD_DIR]   (default: build)
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$(cd "${1:-$source_dir/build}" && pwd)
folder=$build_dir/tests/grade/class
cmake -DSOURCE_DIR="$source_dir" -DCORPUS_DIR="$source_dir/../shared/corpus/public" -DFOLDER="$folder" \
    -P "$source_dir/tests/grade/class_folder.cmake"
for rubric in lab-qos lab-tls; do
    cmake -DMQSCAN="$build_dir/mqscan" -DFOLDER="$folder" -DRUBRIC=$rubric \
        -DEXPECTED="$source_dir/tests/grade/$rubric.csv" -DUPDATE=1 -P "$source_dir/tests/grade/grade_folder.cmake"
done
git -C "$source_dir" diff --stat -- tests/grade
