package lvs.cli.render;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * glibc's {@code qsort}: a top-down merge sort (n1 = n/2 on the left, ties taken from the left).
 * ipvsadm's comparators are not transitive, so the exact shape of the sort decides the output;
 * {@code List.sort} (TimSort) would order such input differently, or throw.
 */
final class GlibcMergeSort {
    private GlibcMergeSort() {
    }

    static <T> List<T> sorted(List<T> items, Comparator<? super T> cmp) {
        List<T> a = new ArrayList<>(items);
        @SuppressWarnings("unchecked")
        T[] tmp = (T[]) new Object[a.size()];
        sort(a, 0, a.size(), cmp, tmp);
        return a;
    }

    private static <T> void sort(List<T> a, int from, int n, Comparator<? super T> cmp, T[] tmp) {
        if (n <= 1) {
            return;
        }
        int n1 = n / 2;
        int n2 = n - n1;
        sort(a, from, n1, cmp, tmp);
        sort(a, from + n1, n2, cmp, tmp);
        int i = from;
        int j = from + n1;
        int k = 0;
        while (n1 > 0 && n2 > 0) {
            if (cmp.compare(a.get(i), a.get(j)) <= 0) {
                tmp[k++] = a.get(i++);
                n1--;
            } else {
                tmp[k++] = a.get(j++);
                n2--;
            }
        }
        while (n1 > 0) { // the rest of the right half is already in place
            tmp[k++] = a.get(i++);
            n1--;
        }
        for (int m = 0; m < k; m++) {
            a.set(from + m, tmp[m]);
        }
    }
}
