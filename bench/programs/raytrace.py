"""A small ray tracer: vectors as a class with operators, spheres and
planes, diffuse and specular shading, shadows and reflections, rendered
into rows of 8-bit pixels.

The work is n rows of 64 pixels: frames of 64 x 48 pixels of a fixed scene,
the camera moving a little from one frame to the next, the last one cut
short (its rows taken in an order spread over the picture). The check
value is a digest of the pixels, so any difference in a float operation
that changes a pixel changes it.
"""

import math

SIZE = 96
CALLGRIND_SIZE = 10

WIDTH = 64
HEIGHT = 48

EPSILON = 1e-6
MAX_DEPTH = 3


class Vec:
    __slots__ = ('x', 'y', 'z')

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y, self.z + other.z)

    def __sub__(self, other):
        return Vec(self.x - other.x, self.y - other.y, self.z - other.z)

    def __mul__(self, k):
        return Vec(self.x * k, self.y * k, self.z * k)

    __rmul__ = __mul__

    def __neg__(self):
        return Vec(-self.x, -self.y, -self.z)

    def dot(self, other):
        return self.x * other.x + self.y * other.y + self.z * other.z

    def cross(self, other):
        return Vec(self.y * other.z - self.z * other.y,
                   self.z * other.x - self.x * other.z,
                   self.x * other.y - self.y * other.x)

    def length(self):
        return math.sqrt(self.dot(self))

    def normalized(self):
        return self * (1.0 / self.length())

    def hadamard(self, other):
        return Vec(self.x * other.x, self.y * other.y, self.z * other.z)

    def reflect(self, normal):
        return self - normal * (2.0 * self.dot(normal))

    def __repr__(self):
        return f'Vec({self.x:.3f}, {self.y:.3f}, {self.z:.3f})'


BLACK = Vec(0.0, 0.0, 0.0)
WHITE = Vec(1.0, 1.0, 1.0)


class Ray:
    __slots__ = ('origin', 'direction')

    def __init__(self, origin, direction):
        self.origin = origin
        self.direction = direction

    def at(self, t):
        return self.origin + self.direction * t


class Material:
    def __init__(self, color, diffuse=0.8, specular=0.3, shininess=16,
                 reflectivity=0.0):
        self.color = color
        self.diffuse = diffuse
        self.specular = specular
        self.shininess = shininess
        self.reflectivity = reflectivity

    def color_at(self, point):
        return self.color


class Checker(Material):
    """A material whose color alternates in unit squares on x and z."""

    def __init__(self, color, other, **kwargs):
        super().__init__(color, **kwargs)
        self.other = other

    def color_at(self, point):
        if (math.floor(point.x) + math.floor(point.z)) % 2:
            return self.other
        return self.color


class Shape:
    def __init__(self, material):
        self.material = material

    def intersect(self, ray):
        """The distance along ray to the nearest hit, or None."""
        raise NotImplementedError

    def normal_at(self, point):
        raise NotImplementedError


class Sphere(Shape):
    def __init__(self, center, radius, material):
        super().__init__(material)
        self.center = center
        self.radius = radius

    def intersect(self, ray):
        oc = ray.origin - self.center
        b = oc.dot(ray.direction)
        c = oc.dot(oc) - self.radius * self.radius
        disc = b * b - c
        if disc < 0.0:
            return None
        root = math.sqrt(disc)
        t = -b - root
        if t > EPSILON:
            return t
        t = -b + root
        if t > EPSILON:
            return t
        return None

    def normal_at(self, point):
        return (point - self.center).normalized()


class Plane(Shape):
    def __init__(self, point, normal, material):
        super().__init__(material)
        self.point = point
        self.normal = normal.normalized()

    def intersect(self, ray):
        denom = self.normal.dot(ray.direction)
        if abs(denom) < EPSILON:
            return None
        t = (self.point - ray.origin).dot(self.normal) / denom
        return t if t > EPSILON else None

    def normal_at(self, point):
        return self.normal


class Light:
    def __init__(self, position, color, intensity):
        self.position = position
        self.color = color
        self.intensity = intensity


class Hit:
    __slots__ = ('shape', 'distance', 'point', 'normal')

    def __init__(self, shape, distance, point, normal):
        self.shape = shape
        self.distance = distance
        self.point = point
        self.normal = normal


class Scene:
    def __init__(self, shapes, lights, ambient, background):
        self.shapes = shapes
        self.lights = lights
        self.ambient = ambient
        self.background = background
        self.rays = 0

    def nearest(self, ray):
        best, best_t = None, math.inf
        for shape in self.shapes:
            t = shape.intersect(ray)
            if t is not None and t < best_t:
                best, best_t = shape, t
        if best is None:
            return None
        point = ray.at(best_t)
        normal = best.normal_at(point)
        if normal.dot(ray.direction) > 0.0:
            normal = -normal
        return Hit(best, best_t, point, normal)

    def in_shadow(self, point, light):
        to_light = light.position - point
        distance = to_light.length()
        ray = Ray(point, to_light * (1.0 / distance))
        self.rays += 1
        for shape in self.shapes:
            t = shape.intersect(ray)
            if t is not None and t < distance:
                return True
        return False

    def trace(self, ray, depth=0):
        self.rays += 1
        hit = self.nearest(ray)
        if hit is None:
            return self.background
        return self.shade(ray, hit, depth)

    def shade(self, ray, hit, depth):
        material = hit.shape.material
        base = material.color_at(hit.point)
        color = base.hadamard(self.ambient)
        # Start shadow and reflected rays just off the surface.
        origin = hit.point + hit.normal * 1e-4
        for light in self.lights:
            if self.in_shadow(origin, light):
                continue
            to_light = (light.position - hit.point).normalized()
            lambert = hit.normal.dot(to_light)
            if lambert <= 0.0:
                continue
            color = color + base.hadamard(light.color) * (
                material.diffuse * lambert * light.intensity)
            halfway = (to_light - ray.direction).normalized()
            spec = max(0.0, hit.normal.dot(halfway)) ** material.shininess
            color = color + light.color * (
                material.specular * spec * light.intensity)
        if material.reflectivity > 0.0 and depth < MAX_DEPTH:
            reflected = Ray(origin, ray.direction.reflect(hit.normal))
            color = color * (1.0 - material.reflectivity) + self.trace(
                reflected, depth + 1) * material.reflectivity
        return color


class Camera:
    def __init__(self, eye, target, up, fov_degrees, width, height):
        self.eye = eye
        self.width = width
        self.height = height
        self.forward = (target - eye).normalized()
        self.right = self.forward.cross(up).normalized()
        self.up = self.right.cross(self.forward)
        self.half = math.tan(math.radians(fov_degrees) / 2.0)
        self.aspect = width / height

    def ray(self, px, py):
        sx = (2.0 * (px + 0.5) / self.width - 1.0) * self.half * self.aspect
        sy = (1.0 - 2.0 * (py + 0.5) / self.height) * self.half
        direction = (self.forward + self.right * sx + self.up * sy)
        return Ray(self.eye, direction.normalized())


def build_scene():
    shapes = [
        Plane(Vec(0.0, 0.0, 0.0), Vec(0.0, 1.0, 0.0),
              Checker(Vec(0.9, 0.9, 0.9), Vec(0.2, 0.2, 0.25),
                      specular=0.1, reflectivity=0.25)),
        Sphere(Vec(0.0, 1.0, 0.0), 1.0,
               Material(Vec(0.9, 0.2, 0.2), reflectivity=0.35,
                        shininess=32)),
        Sphere(Vec(-2.2, 0.7, 1.0), 0.7,
               Material(Vec(0.2, 0.8, 0.3), specular=0.5)),
        Sphere(Vec(2.0, 0.6, 0.8), 0.6,
               Material(Vec(0.3, 0.4, 0.95), reflectivity=0.6,
                        shininess=64)),
        Sphere(Vec(0.9, 0.3, 2.0), 0.3,
               Material(Vec(0.95, 0.85, 0.2), diffuse=0.9)),
    ]
    # A ring of small spheres, so that a ray tests more shapes.
    for k in range(8):
        angle = k * math.pi / 4.0
        shapes.append(Sphere(Vec(3.5 * math.cos(angle), 0.25,
                                 3.5 * math.sin(angle) - 1.0), 0.25,
                             Material(Vec(0.5 + 0.06 * k, 0.5, 0.9 - 0.1 * k),
                                      reflectivity=0.1 * (k % 3))))
    lights = [
        Light(Vec(-4.0, 6.0, 5.0), Vec(1.0, 0.95, 0.9), 0.8),
        Light(Vec(5.0, 4.0, 3.0), Vec(0.6, 0.7, 1.0), 0.5),
    ]
    return Scene(shapes, lights, Vec(0.1, 0.1, 0.12), Vec(0.05, 0.07, 0.15))


def to_byte(value):
    if value <= 0.0:
        return 0
    if value >= 1.0:
        return 255
    # Gamma 2.2, then 8 bits.
    return int(value ** (1.0 / 2.2) * 255.0 + 0.5)


def render(scene, camera, count):
    rows = []
    for k in range(count):
        # Rows in an order that spreads any count over the whole picture
        # (7 and HEIGHT are coprime), so a small n still sees the scene.
        py = k * 7 % camera.height
        row = bytearray()
        for px in range(camera.width):
            c = scene.trace(camera.ray(px, py))
            row += bytes((to_byte(c.x), to_byte(c.y), to_byte(c.z)))
        rows.append(bytes(row))
    return rows


def bench_raytrace(n):
    """A ray tracer: a Vec class with operators, spheres and a checkered
    plane, diffuse and specular light, shadows and reflections; n rows of
    64 pixels."""
    scene = build_scene()
    rows = []
    for frame in range(-(-n // HEIGHT)):
        eye = Vec(0.4 * frame, 2.5 + 0.1 * frame, 7.0 - 0.2 * frame)
        camera = Camera(eye, Vec(0.0, 0.8, 0.0), Vec(0.0, 1.0, 0.0), 55.0,
                        WIDTH, HEIGHT)
        rows += render(scene, camera, min(HEIGHT, n - frame * HEIGHT))
    h = 0
    for row in rows:
        for value in row:
            h = (h * 31 + value) % 1_000_000_007
    lit = sum(1 for row in rows for value in row if value > 128)
    return f'{h} {lit} {scene.rays}'
