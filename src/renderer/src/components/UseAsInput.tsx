import { useId, useState } from 'react'
import type { InputField } from '@shared/deployment'
import type { Output } from '@shared/output'
import { useCourier } from '../store/context'
import { takesFiles } from '../store/form-model'
import { selectedDeployment } from '../store/generate'
import { outputFileName, outputFits } from '../store/uploads'
import { Icon } from './Icon'
import { inputLabel } from './input-label'

const labelOf = (field: InputField): string => inputLabel(field.id, [field])

/**
 * The inputs of a form that can take this output: those of its own kind (an image input for a picture);
 * failing those, plain file inputs.
 */
export function inputsTaking(inputs: readonly InputField[], output: Pick<Output, 'kind'>): InputField[] {
  const fitting = inputs.filter((field) => takesFiles(field.kind) && outputFits(field, output.kind))
  const sameKind = fitting.filter((field) => field.kind !== 'file')
  return sameKind.length > 0 ? sameKind : fitting
}

/**
 * "Use as input" in the lightbox: the output goes into a file input of the form open in Generate (img2img
 * chaining, no trip through the file system) and Generate opens on it. With several inputs that could take
 * it, the button opens the list of them; with none, a toast says why and how to get one.
 */
export function UseAsInput({ output, onUsed }: { output: Output; onUsed(): void }) {
  const deployment = useCourier(selectedDeployment)
  const addOutput = useCourier((s) => s.uploads.addOutput)
  const go = useCourier((s) => s.nav.go)
  const toast = useCourier((s) => s.toasts.show)
  const [choosing, setChoosing] = useState(false)
  const listId = useId()
  const targets = deployment === null ? [] : inputsTaking(deployment.inputs, output)

  const putIn = (field: InputField) => {
    if (deployment === null) return
    void addOutput(field, output.id)
    onUsed()
    go('generate')
    toast({ tone: 'info', text: `Using ${outputFileName(output)} as the “${labelOf(field)}” of ${deployment.name}.` })
  }

  const onClick = () => {
    if (targets.length === 1) putIn(targets[0]!)
    else if (targets.length > 1) setChoosing((open) => !open)
    else {
      const noun = output.kind === 'image' ? 'an image' : output.kind === 'video' ? 'a video' : output.kind === 'audio' ? 'an audio' : 'a file'
      toast({
        tone: 'error',
        text:
          deployment === null
            ? `There is no form to put it in yet. Choose a deployment in Generate that takes ${noun}, then use this again.`
            : `${deployment.name}, the deployment open in Generate, has no ${noun.replace(/^an? /, '')} input. Choose one that takes ${noun} there, then use this again.`,
        action: {
          label: 'Open Generate',
          run: () => {
            onUsed()
            go('generate')
          },
        },
      })
    }
  }

  return (
    <div className="use-input">
      <button
        type="button"
        className="btn btn--small"
        aria-expanded={targets.length > 1 ? choosing : undefined}
        aria-controls={targets.length > 1 && choosing ? listId : undefined}
        title={deployment === null ? 'Put it in an input of the form in Generate' : `Put it in an input of ${deployment.name}, in Generate`}
        onClick={onClick}
      >
        <Icon name="useInput" size={16} />
        {targets.length === 1 ? `Use as “${labelOf(targets[0]!)}”` : 'Use as input'}
        {targets.length > 1 && <span aria-hidden="true"> ▾</span>}
      </button>
      {targets.length > 1 && choosing && (
        <ul id={listId} className="use-input__list" aria-label={`Inputs of ${deployment?.name ?? 'the form'} that take it`}>
          {targets.map((field) => (
            <li key={field.id}>
              <button type="button" className="btn btn--small btn--ghost" onClick={() => putIn(field)}>
                {labelOf(field)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
