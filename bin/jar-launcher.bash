# Sourced by the launchers in this directory (not a command itself): runs the executable jar of
# $module, building it on first use, with the JVM start-up options below. Needs $root (the
# repository), $module (a Maven module), $jar (its shaded jar) and $long_running (the subcommands
# that run until stopped or move data: they keep the JVM's default compilers).
#
# Start-up options, chosen by measuring `--help` (README, "Launchers", has the times):
# - a class-data archive of the classes a start loads, made once per jar and JDK by a start that
#   prints the help, which later starts map instead of loading and checking those classes again;
# - for commands that end at once (help, version, admin commands, keygen), the first JIT tier
#   alone (-XX:TieredStopAtLevel=1): its compiler is cheap, and a short run never needs the second.

if [ ! -f "$jar" ]; then
  echo "${module}: building ${jar} (first use)" >&2
  (cd "$root" && mvn -B -q -DskipTests -pl "$module" -am package) >&2
fi

jvm=()
quick=1
for word in $long_running; do
  [ "${1:-}" = "$word" ] && quick=0
done
for arg in "$@"; do
  case "$arg" in -h|--help|-V|--version) quick=1 ;; esac
done
[ "$quick" = 1 ] && jvm+=(-XX:TieredStopAtLevel=1)

# An archive belongs to one JDK build: its name carries the size and time of the JDK's modules file.
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
jdk_id="$(stat -c '%s-%Y' "$java_home/lib/modules" 2>/dev/null || echo unknown)"
jsa="${jar%.jar}-jdk${jdk_id}.jsa"
if { [ ! -f "$jsa" ] || [ "$jar" -nt "$jsa" ]; } && [ -w "${jar%/*}" ] && [ ! "$jsa.off" -nt "$jar" ]; then
  if java -XX:ArchiveClassesAtExit="$jsa.$$" -jar "$jar" --help >/dev/null 2>&1 && [ -s "$jsa.$$" ]; then
    mv -f "$jsa.$$" "$jsa"
  else
    rm -f "$jsa.$$"
    touch "$jsa.off"  # this JVM cannot make one: not again for this jar
  fi
fi
if [ -f "$jsa" ] && [ ! "$jar" -nt "$jsa" ]; then
  jvm+=(-XX:SharedArchiveFile="$jsa")
fi
exec java ${jvm[@]+"${jvm[@]}"} -jar "$jar" "$@"
