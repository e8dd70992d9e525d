# SPDX-License-Identifier: BSD-2-Clause
# Draws the benchmark table as ratios to netkit (bench/run.py calls this).
# Variables: up (data: higher is better), down (lower is better), out (PNG),
# title.  Data columns: label, rexecd, rexecd inetd, machine limit.
set terminal pngcairo size 1200,560 font "DejaVu Sans,10"
set output out
set multiplot layout 1,2 title title font ",12"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top left
set datafile missing "NaN"
set xtics rotate by 30 right noenhanced
set bmargin 8
set rmargin 4
set ylabel "÷ netkit (netkit = 1)"
set title "higher is better"
set yrange [0:*]
plot up using 2:xtic(1) title "rexecd" lc rgb "#1f77b4", \
     '' using 3 title "rexecd inetd" lc rgb "#6baed6", \
     '' using 4 title "machine limit" lc rgb "#bbbbbb", \
     1 with lines dt 2 lc rgb "black" notitle
set title "lower is better (log scale; 0 is drawn as 0.01)"
set logscale y
set yrange [0.005:10]
plot down using 2:xtic(1) title "rexecd" lc rgb "#1f77b4", \
     '' using 3 title "rexecd inetd" lc rgb "#6baed6", \
     1 with lines dt 2 lc rgb "black" notitle
unset multiplot
