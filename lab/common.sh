# Sourced by the lab scripts. LAB names the lab: its namespaces are $LAB-*, its files under $ROOT. The
# default lab is "bl" in /run/border-lab; another name gives a second lab beside it (/run/border-lab-NAME),
# so that test runs and benchmarks need not wait for each other.
LAB=${LAB:-bl}
if [ "$LAB" = bl ]; then ROOT=/run/border-lab; else ROOT=/run/border-lab-$LAB; fi
# The gateway's config: the example with the lab's root in its paths.
lab_config() { echo "$ROOT/$1/border.json"; }
