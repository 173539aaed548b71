# Independent check (Python hashlib only, no Ed25519) of the datastore-version, manifest and plot-small golden
# vectors: ids derive from owner and nonce, name_sha256 and files_root match, header/table hashes, plot_id.
import hashlib, struct, sys
H=lambda *a: hashlib.sha256(b''.join(a)).digest()
def check_version(v, name, filetable):
    assert v[:4]==b'DIGV' and struct.unpack('>I',v[4:8])[0]==2 and len(v)==296
    ds,nonce=v[8:40],v[40:72]; owner=v[200:232]
    assert ds==H(owner,nonce), 'id'
    assert v[136:168]==H(name), 'name'
    assert v[168:200]==H(filetable), 'files_root'
def parse_manifest(m):
    assert m[:4]==b'DIGM' and struct.unpack('>I',m[4:8])[0]==2
    v=m[8:304]; p=304
    n=struct.unpack('>H',m[p:p+2])[0]; name=m[p+2:p+2+n]; p+=2+n
    count=struct.unpack('>I',v[112:116])[0]; p+=68*count
    ft=m[p:]
    check_version(v,name,ft)
    return name
import os; os.chdir(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../resources/vectors"))
v=bytes.fromhex(open("datastore-version-v2.hex").read().strip())
m=bytes.fromhex(open('manifest-v2.hex').read().strip())
assert m[8:304]==v
print('manifest name', parse_manifest(m))
p=open('plot-small-v1.dig1','rb').read()
hdr=p[:4096]
assert hdr[4064:]==H(hdr[:4064]), 'header hash'
ct=struct.unpack('>Q',hdr[8:16])[0]; pub=hdr[88:120]; com=hdr[120:152]
dirs=[(struct.unpack('>Q',hdr[168+40*t:176+40*t])[0], hdr[176+40*t:208+40*t]) for t in range(7)]
assert com==H(*[d[1] for d in dirs]), 'commitment'
assert hdr[16:48]==H(pub,com,struct.pack('>Q',ct)), 'plot_id'
ptrs=struct.unpack('>7I',hdr[52:80])
for t in range(5):
    tab=p[ptrs[t]*4096:ptrs[t]*4096+dirs[t][0]]
    assert H(tab)==dirs[t][1], 'table %d'%t
c5=p[ptrs[4]*4096:ptrs[4]*4096+dirs[4][0]]
k=struct.unpack('>I',c5[:4])[0]; q=4
for i in range(k):
    l=struct.unpack('>I',c5[q:q+4])[0]; print('plot manifest', parse_manifest(c5[q+4:q+4+l])); q+=4+l
print('all hashes check')
