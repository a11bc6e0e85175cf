import json, sys
# unresolved compose names become external resources named `file#name`; they must not
# match truth ids by coincidence.
d = json.load(open(sys.argv[1]))
for r in d['resources']:
    if r.get('external') and '#' in r['id'] and not r.get('defined_by'):
        r['id'] = 'UNRESOLVED:' + r['id']; r['name'] = r['id']; r['aliases'] = []
json.dump(d, open(sys.argv[2], 'w'))
