#!/usr/bin/env bash
# Cold-start benchmark image "jdk": Debian 12 minbase (layer 1) + `apt-get install openjdk-17-jre-headless`
# (layer 2) + a hello jar compiled on this host (layer 3, /opt/hello/hello.jar: prints "hello from java" after a
# little work with collections, streams and String.format, so that more than java.lang is loaded).
# Usage: jdk.sh LAYOUT_DIR   (the image is LAYOUT_DIR:jdk; needs javac and jar on this host; see debian.sh)
set -euo pipefail
source "$(dirname "$0")/debian.sh"
for tool in javac jar; do
  command -v $tool >/dev/null || { echo "jdk.sh needs $tool on this host (apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
done
debian_begin "${1:?usage: jdk.sh LAYOUT_DIR}" jdk
debian_layer openjdk-17-jre-headless
mkdir -p "$work/hello/src" "$bundle/rootfs/opt/hello"
cat >"$work/hello/src/Hello.java" <<'JAVA'
import java.util.List;
import java.util.stream.Collectors;

public final class Hello {
    public static void main(String[] args) {
        List<String> words = List.of("hello", "from", "java");
        System.out.println(String.format("%s", words.stream().collect(Collectors.joining(" "))));
    }
}
JAVA
javac --release 17 -d "$work/hello/classes" "$work/hello/src/Hello.java"
jar --create --file "$bundle/rootfs/opt/hello/hello.jar" --main-class Hello -C "$work/hello/classes" .
debian_add_layer
debian_end /usr/bin/java -jar /opt/hello/hello.jar
