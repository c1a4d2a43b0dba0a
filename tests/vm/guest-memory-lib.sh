# guest-memory-lib.sh: guest-side (busybox sh) measures of the memory ddv.ko holds, for jobs that boot with slub_debug=U (tests/vm/control-fuzz.sh, scripts/soak).
#
# Debian's kernels have no kmemleak (CONFIG_DEBUG_KMEMLEAK is off): ddv.ko's memory is the
# live slab objects whose allocation stack has a frame of ddv.ko (debugfs
# slab/*/alloc_traces, kept with slub_debug=U) and the vmalloc areas it made
# (/proc/vmallocinfo). A vmap_area outlives its vunmap until the kernel's lazy purge:
# those slab objects are left out. Frames of the pack (ddv_linux) are its wrappers, in the
# stacks of every object a driver allocates: not counted.

# slab_objects REGEX: live slab objects with a frame matching the awk REGEX.
# alloc_traces lists "COUNT CALLER age=..." then the stack, one frame a line.
slab_objects() {
	cat /sys/kernel/debug/slab/*/alloc_traces 2>/dev/null | awk -v re="$1" '
		function flush() { if (hit && !lazy) total += n; hit = 0; n = 0 }
		/^ *[0-9]+ / { flush(); n = $1; lazy = $2 ~ /^alloc_vmap_area/ }
		$0 ~ re { hit = 1 }
		END { flush(); print total + 0 }'
}

# slab_entries: the alloc_traces entries (count, caller, stack) with a frame of ddv.ko,
# to tell which differ between two moments.
slab_entries() {
	cat /sys/kernel/debug/slab/*/alloc_traces 2>/dev/null | awk '
		function flush() { if (hit && !lazy) printf "%s", entry; hit = 0; entry = "" }
		/^ *[0-9]+ / { flush(); lazy = $2 ~ /^alloc_vmap_area/; sub(/ age=.*/, "") }
		/\[ddv\]/ { hit = 1 }
		{ entry = entry $0 "\n" }
		END { flush() }'
}

# vmalloc_areas REGEX: "AREAS BYTES" of the live vmalloc areas whose line matches.
vmalloc_areas() {
	awk -v re="$1" '$0 ~ re { n++; bytes += $2 } END { print n + 0, bytes + 0 }' /proc/vmallocinfo
}

# ddv_memory: "slab N vmalloc AREAS BYTES kvmalloc AREAS BYTES" (kvmalloc's areas are
# named kvmalloc_node whoever asked: every module's, shown apart).
ddv_memory() {
	echo "slab $(slab_objects '\\[ddv\\]') vmalloc $(vmalloc_areas '\\[ddv\\]')" \
		"kvmalloc $(vmalloc_areas kvmalloc_node)"
}
