package io.flowswitch.devices.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ArrayViewsTest {
    @Test
    void reusesOneViewPerArrayAndRepositionsIt() {
        final ArrayViews views = new ArrayViews(4);
        final byte[] a = new byte[100];
        final ByteBuffer first = views.view(a, 10, 20);
        assertEquals(10, first.position());
        assertEquals(20, first.limit());
        final ByteBuffer again = views.view(a, 50, 90);
        assertSame(first, again);
        assertEquals(50, again.position());
        assertEquals(90, again.limit());
        assertNotSame(first, views.view(new byte[100], 0, 1));
        assertEquals(2, views.size());
    }

    @Test
    void staysBoundedWhenFedMoreArraysThanItKeeps() {
        final ArrayViews views = new ArrayViews(4);
        for (int i = 0; i < 100; i++) {
            views.view(new byte[8], 0, 8);
        }
        assertEquals(4, views.size());
        views.clear();
        assertEquals(0, views.size());
    }
}
